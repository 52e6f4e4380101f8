"""JSON that people type or edit: a key given twice in one object is refused, not silently read as its last value
(``"tobacco.use": "no"`` then ``"tobacco.use": "yes"`` would otherwise score as "yes" without a word)."""

from __future__ import annotations

import json
from typing import Any


class DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(f"'{key}' is given twice in one object")
        self.key = key


def loads(text: str) -> Any:
    """``json.loads``, refusing duplicate keys with ``DuplicateKeyError``."""
    return json.loads(text, object_pairs_hook=_unique)


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateKeyError(key)
        found[key] = value
    return found
