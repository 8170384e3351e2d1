"""What the generators in tools/ share: write the generated files, or with ``--check``
list each committed one that differs and exit 1 (the suite runs the check)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_or_check(files: dict[Path, str], argv: list[str]) -> int:
    """Write ``files`` (path -> text), or with ``--check`` in ``argv`` compare them."""
    tool = Path(sys.argv[0]).name
    if "--check" in argv:
        stale = [p for p, text in files.items() if not p.exists() or p.read_text() != text]
        for path in stale:
            print(f"{path.relative_to(ROOT)}: not what tools/{tool} writes")
        return 1 if stale else 0
    for path, text in files.items():
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0
