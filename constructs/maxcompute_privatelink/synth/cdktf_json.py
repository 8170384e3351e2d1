"""JSON text exactly as cdktf writes it (json-stable-stringify with ``space: 2``).

cdktf serializes ``cdk.tf.json``, ``manifest.json`` and ``metadata.json`` with
json-stable-stringify: keys sorted by UTF-16 code units, two-space indent, and empty
arrays and objects opened and closed on two lines. Writing the same text from Python
lets synth skip ``App.synth()`` (which resolves every resource twice, each time a round
trip to Node) and split stacks over processes, while the files stay byte-identical to
what cdktf itself would write (``tests/test_performance.py`` compares the two).
"""

from __future__ import annotations

import json
from typing import Any


def _scalar(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # JavaScript prints 1.0 as 1
    return json.dumps(value, ensure_ascii=False)


def stable_json(node: Any, level: int = 0) -> str:
    indent = "\n" + "  " * level
    inner = indent + "  "
    if isinstance(node, dict):
        keys = sorted(node, key=lambda key: str(key).encode("utf-16-be"))
        items = [
            f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {stable_json(node[k], level + 1)}"
            for k in keys
        ]
        return "{" + ",".join(items) + indent + "}"
    if isinstance(node, list | tuple):
        return "[" + ",".join(inner + stable_json(item, level + 1) for item in node) + indent + "]"
    return _scalar(node)
