"""A saved screening keeps, with its recommended actions, whether a clinical lead had approved them then."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pytestqt.qtbot import QtBot
from test_directory_vault import ANSWERS, open_window_on_vault, sign_in_through

from app.records.screenings import get_screening

APPROVED = (
    '\n[policy]\nactions_approved_by = "Dr A Lead"\nactions_approver_role = "Clinical lead, ED"\n'
    'actions_approved_on = 2026-11-01\nactions_approved_version = "1"\n'
)


def test_the_approval_in_force_is_saved_with_the_actions(qtbot: QtBot, data_dir: Path, machine_config: Path) -> None:
    """Before, a record kept the policy's id and version but not whether anyone had approved its actions."""
    machine_config.write_text(machine_config.read_text(encoding="utf-8") + APPROVED, encoding="utf-8")
    window = open_window_on_vault(qtbot, data_dir)
    sign_in_through(window)
    window.form.set_draft(replace(window.form.draft(), answers=ANSWERS, setting="ed"))
    window.save()
    assert window.saved_reference is not None
    stored = get_screening(window.context.vault, window.saved_reference)
    assert stored.scores["policy"] == {
        "id": "signpost-default-actions", "version": "1",
        "approval": {"by": "Dr A Lead", "role": "Clinical lead, ED", "on": "2026-11-01"},
    }
    window.ask_before_discarding = False
