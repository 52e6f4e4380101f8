"""A clinical lead's approval names a version of the action mapping (``[policy] actions_approved_version``) and is
matched on that version text alone, so the shipped ``actions.json`` must never change under a version already
released: this record ties each released version to a digest of its content.

When you change the mapping (an action, its label, a band's action, the co-occurring rule, anything in the file
but its version and its empty approval fields): give ``actions.json`` a new ``version`` and ADD a line for it to
``RELEASED`` below with the digest the failing test prints. Never edit or remove a line already there: a machine
config may approve that version. The new version then shows as not yet approved until the clinical lead approves
it and IT updates the settings (docs/decisions.md, "Action mapping is policy").
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from app.policy import action_policy_path

# Version -> sha256 of the canonical JSON of that version's content (``_digest``).
RELEASED = {
    "1": "833a22c4e2eb18e9c02a17292479a2f35c7d86ee1e891cf3c2775a07089eb493",
}


def _digest(doc: dict[str, Any]) -> str:
    content = {key: value for key, value in doc.items() if key not in ("version", "approval")}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _record_problem(doc: dict[str, Any]) -> str | None:
    """Why this actions.json cannot ship against ``RELEASED``, or ``None``."""
    version, digest = str(doc["version"]), _digest(doc)
    if version not in RELEASED:
        return f"actions.json version {version} is not recorded: add \"{version}\": \"{digest}\" to RELEASED"
    if RELEASED[version] != digest:
        return (f"actions.json changed but its version is still {version}, which a clinical lead may have approved: "
                f"give it a new version and add that version with the digest {digest} to RELEASED")
    return None


def _shipped() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(action_policy_path().read_text(encoding="utf-8"))
    return doc


def test_the_shipped_action_mapping_is_the_content_recorded_for_its_version() -> None:
    """Before, the mapping could be edited without a new version, and an approval of the old one covered it."""
    assert _record_problem(_shipped()) is None


def test_a_changed_mapping_under_a_released_version_is_caught() -> None:
    changed = _shipped()
    changed["version"] = next(iter(RELEASED))
    changed["bands"]["moderate"] = "feedback_information"
    problem = _record_problem(changed)
    assert problem is not None and f"its version is still {changed['version']}" in problem
    changed["actions"]["brief_advice"]["label"] = "Brief advice"
    assert _record_problem(changed) is not None


def test_a_new_version_needs_a_record_of_its_own() -> None:
    changed = _shipped()
    changed["version"] = "next"
    changed["bands"]["moderate"] = "feedback_information"
    assert _record_problem(changed) == (
        f"actions.json version next is not recorded: add \"next\": \"{_digest(changed)}\" to RELEASED")
