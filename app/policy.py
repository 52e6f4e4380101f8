"""Recommended actions per risk band: local policy approved by a clinical lead, kept apart from the instrument."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from app import json_input
from app.config import ActionApproval
from app.errors import SignpostError
from app.i18n import _
from app.instrument.scoring import Result
from app.paths import resources_dir


class ActionPolicy(NamedTuple):
    id: str
    version: str
    labels: dict[str, str]
    by_band: dict[str, str]
    co_occurring_bands: frozenset[str]
    co_occurring_label: str

    def action_for(self, band_id: str) -> str:
        try:
            return self.by_band[band_id]
        except KeyError:
            raise SignpostError(f"action policy {self.id} {self.version} has no action for band '{band_id}'") from None

    def label(self, action_id: str) -> str:
        return self.labels.get(action_id, action_id)

    def co_occurring(self, result: Result, *, under_mental_health_services: bool) -> bool:
        """The co-occurring pathway applies: some substance settled in a listed band while under mental-health
        care."""
        return under_mental_health_services and any(
            b.band.id in self.co_occurring_bands for b in result.answered_blocks
        )


def action_policy_path() -> Path:
    return resources_dir() / "policy" / "actions.json"


@lru_cache(maxsize=4)
def load_action_policy(path: Path | None = None) -> ActionPolicy:
    """Read ``resources/policy/actions.json``; a malformed file raises a message naming it."""
    path = path or action_policy_path()
    try:
        doc = json_input.loads(path.read_text(encoding="utf-8"))
        actions = doc["actions"]
        co = doc["co_occurring"]
        policy = ActionPolicy(
            id=doc["id"],
            version=str(doc["version"]),
            labels={key: value["label"] for key, value in actions.items()},
            by_band=dict(doc["bands"]),
            co_occurring_bands=frozenset(co["when_any_band"]),
            co_occurring_label=co["label"],
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        problem = f"'{exc.args[0]}' is missing" if isinstance(exc, KeyError) else str(exc)
        raise SignpostError(f"{path}: action policy cannot be read ({problem})") from exc
    unknown = set(policy.by_band.values()) - set(policy.labels)
    if unknown:
        raise SignpostError(f"{path}: bands map to undefined actions: {', '.join(sorted(unknown))}")
    return policy


def check_policy_covers(policy: ActionPolicy, band_ids: Iterable[str]) -> list[str]:
    """Band ids of an instrument that the policy gives no action for."""
    return sorted(set(band_ids) - set(policy.by_band))


def approval_notice(approval: ActionApproval, policy: ActionPolicy) -> str | None:
    """The warning to show while no clinical lead has approved this version of the mapping, else ``None``."""
    if approval.approves(policy.version):
        return None
    if approval.approved_by and not approval.version:
        return _("Action mapping version {version} not yet approved by a clinical lead (the approval in the settings "
                 "does not say which version it is of)").format(version=policy.version)
    if approval.version and approval.version != policy.version:
        # A new build shipped another mapping: the approval of the old one does not carry over to it.
        return _("Action mapping version {version} not yet approved by a clinical lead (the approval in the "
                 "settings is of version {approved})").format(version=policy.version, approved=approval.version)
    return _("Action mapping not yet approved by a clinical lead")


def approval_line(approval: ActionApproval, policy: ActionPolicy) -> str | None:
    """Who approved the mapping, in what role and when, to show beside the actions; ``None`` until approved."""
    if not approval.approves(policy.version) or approval.approved_on is None:
        return None
    return _("Action mapping (version {version}) approved by {name}, {role}, on {date}.").format(
        version=policy.version, name=approval.approved_by, role=approval.role,
        date=approval.approved_on.strftime("%d/%m/%Y"))
