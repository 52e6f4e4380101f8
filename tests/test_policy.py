"""The band-to-action mapping is local policy: data, versioned, visibly unapproved until a lead signs it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.config import ActionApproval, load_config
from app.instrument import find_pack
from app.policy import approval_line, approval_notice, check_policy_covers, load_action_policy


def test_default_mapping_follows_the_specification() -> None:
    policy = load_action_policy()
    assert policy.action_for("low") == "feedback_information"
    assert policy.action_for("moderate") == "brief_advice"
    assert policy.action_for("high") == "brief_advice_referral"
    assert policy.label("brief_advice") == "Brief advice (FRAMES)"


def test_policy_covers_every_band_of_the_shipped_instrument() -> None:
    bands = {band.id for block in find_pack().blocks for band in block.bands}
    assert check_policy_covers(load_action_policy(), bands) == []


def test_unapproved_mapping_is_announced_until_config_names_the_approver(tmp_path: Path) -> None:
    policy = load_action_policy()
    assert approval_notice(load_config().action_approval, policy) == (
        "Action mapping not yet approved by a clinical lead")
    config_file = tmp_path / "signpost.toml"
    config_file.write_text(
        '[policy]\nactions_approved_by = "Dr A Lead"\nactions_approver_role = "Clinical lead, ED"\n'
        "actions_approved_on = 2026-11-01\nactions_approved_version = 1\n"
    )
    approval = load_config(config_file).action_approval
    assert approval == ActionApproval("Dr A Lead", "Clinical lead, ED", dt.date(2026, 11, 1), "1")
    assert policy.version == "1" and approval_notice(approval, policy) is None
    assert approval_line(approval, policy) == (
        "Action mapping (version 1) approved by Dr A Lead, Clinical lead, ED, on 01/11/2026.")


def test_an_approval_of_another_version_of_the_mapping_does_not_carry_over(tmp_path: Path) -> None:
    """Before, the approval named no version: a build shipping a changed mapping showed it as approved."""
    policy = load_action_policy()
    older = ActionApproval("Dr A Lead", "Clinical lead, ED", dt.date(2026, 11, 1), "0.9")
    assert approval_notice(older, policy) == ("Action mapping version 1 not yet approved by a clinical lead (the "
                                              "approval in the settings is of version 0.9)")
    assert approval_line(older, policy) is None


def test_an_approval_written_before_versions_were_named_starts_but_covers_no_version(tmp_path: Path) -> None:
    """Before, such a machine config stopped Signpost starting on every PC after the upgrade."""
    config_file = tmp_path / "signpost.toml"
    config_file.write_text(
        '[policy]\nactions_approved_by = "Dr A Lead"\nactions_approver_role = "Clinical lead, ED"\n'
        "actions_approved_on = 2026-11-01\n"
    )
    approval = load_config(config_file).action_approval
    assert approval_notice(approval, load_action_policy()) == (
        "Action mapping version 1 not yet approved by a clinical lead (the approval in the settings does not say "
        "which version it is of)")


def test_shipped_policy_file_leaves_approver_fields_empty() -> None:
    import json

    from app.paths import resources_dir

    doc = json.loads((resources_dir() / "policy" / "actions.json").read_text())
    assert doc["approval"] == {"approved_by": "", "role": "", "approved_on": ""}


@pytest.mark.parametrize("band", ["unknown", ""])
def test_a_band_without_an_action_is_an_error(band: str) -> None:
    with pytest.raises(Exception, match="has no action for band"):
        load_action_policy().action_for(band)


def test_an_action_policy_giving_a_key_twice_is_refused_in_plain_words(tmp_path: Path) -> None:
    from app.errors import SignpostError

    shipped = (Path(__file__).resolve().parent.parent / "resources" / "policy" / "actions.json").read_text("utf-8")
    twice = tmp_path / "actions.json"
    twice.write_text(shipped.replace('"version": "1",', '"version": "1", "version": "2",', 1), encoding="utf-8")
    with pytest.raises(SignpostError) as caught:
        load_action_policy(twice)
    assert str(caught.value) == (f"{twice}: action policy cannot be read ('version' is given twice in the object "
                                 "with id 'signpost-default-actions')")
