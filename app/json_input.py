"""JSON that people type or edit: a key given twice in one object is refused, not silently read as its last value
(``"tobacco.use": "no"`` then ``"tobacco.use": "yes"`` would otherwise score as "yes" without a word)."""

from __future__ import annotations

import json
from typing import Any


class DuplicateKeyError(ValueError):
    """``key`` is given twice in one object; ``owner`` is that object's ``"id"`` when it has one."""

    def __init__(self, key: str, owner: str | None = None) -> None:
        where = f"in the object with id '{owner}'" if owner else "in one object"
        super().__init__(f"'{key}' is given twice {where}")
        self.key = key
        self.owner = owner


def loads(text: str) -> Any:
    """``json.loads``, refusing duplicate keys with ``DuplicateKeyError``."""
    return json.loads(text, object_pairs_hook=_unique)


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            owner = next((v for k, v in pairs if k == "id" and isinstance(v, str)), None)
            raise DuplicateKeyError(key, owner)
        found[key] = value
    return found
