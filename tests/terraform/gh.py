"""``gh`` on the simulated runner's PATH: the one command the workflow runs,
``gh run download RUN_ID --name NAME --dir DIR``, played from the runner's artifacts
(``$MCPL_TEST_RUNS/<run id>/<name>``). As the GitHub CLI (manual: gh run download), it
needs a token (``GH_TOKEN``) and a repository (``GH_REPO``), extracts a single named
artifact into DIR, and fails with "no valid artifacts found to download" when the run
kept no artifact of that name; anything else is refused, so that the workflow cannot
come to depend on what this stand-in does not play."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if argv[:2] != ["run", "download"]:
        print(f"gh stand-in: {' '.join(argv[:2])!r} is not played", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="gh run download", exit_on_error=False)
    parser.add_argument("run_id")
    parser.add_argument("-n", "--name", required=True)
    parser.add_argument("-D", "--dir", required=True)
    arguments = parser.parse_args(argv[2:])
    if not os.environ.get("GH_TOKEN") or not os.environ.get("GH_REPO"):
        print("gh: set the GH_TOKEN environment variable (and GH_REPO outside a clone)",
              file=sys.stderr)  # fmt: skip
        return 4
    source = Path(os.environ["MCPL_TEST_RUNS"]) / arguments.run_id / arguments.name
    if not arguments.run_id.isdigit() or not source.is_dir():
        print("no valid artifacts found to download", file=sys.stderr)
        return 1
    target = Path(arguments.dir)
    target.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        shutil.copy(item, target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
