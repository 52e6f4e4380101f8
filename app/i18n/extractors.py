"""Babel extractor for UI text kept as data: the action labels of ``resources/policy/actions.json``.

The result panel shows each band's action and the co-occurring pathway through ``_()``; the labels
live in the local action policy (approved by a clinical lead), not in code, so ``pybabel extract``
reads them from the file (``[extractors]`` in ``babel.cfg``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

COMMENT = "Translators: a recommended action from the local action policy (resources/policy/actions.json)."


def _line_of(text: str, value: str) -> int:
    needle = json.dumps(value, ensure_ascii=False)
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def extract_action_policy(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Yield ``(line, None, label, comments)`` for each action label and the co-occurring label."""
    del keywords, comment_tags, options
    text = fileobj.read().decode("utf-8")
    doc = json.loads(text)
    labels = [action["label"] for action in doc["actions"].values()] + [doc["co_occurring"]["label"]]
    for label in labels:
        yield _line_of(text, label), None, label, [COMMENT]
