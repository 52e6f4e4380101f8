"""Saving, reading, listing and amending screenings in a real vault: computed scores, versions, audit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from vault_support import ADMIN, answers, draft, new_vault

from app.config import ActionApproval
from app.errors import AnswerError, UsageError
from app.records import audit
from app.records.draft import (
    ANSWERS,
    IDENTITY,
    SAME_IDENTIFIER,
    SavedDraft,
    ScreeningDraft,
    changes_after_saving,
    patient_doubt,
)
from app.records.screenings import (
    RecordNotFoundError,
    amend_screening,
    get_screening,
    list_screenings,
    save_draft,
    save_screening,
)
from app.vault.session import VaultSession

RISKY = answers(**{
    "alcohol.use": "yes", "alcohol.more_than_4": "yes", "alcohol.failed_to_control": "yes", "alcohol.concern": "yes",
    "cannabis.use": "yes", "cannabis.urge": "yes", "cannabis.concern": "no",
})


@pytest.fixture
def session(data_dir: Path) -> VaultSession:
    opened, _ = new_vault(data_dir)
    yield opened
    opened.close()


def _actions(session: VaultSession, ref: str) -> list[str]:
    return [e.action for e in reversed(audit.entries(session.conn, record_ref=ref))]


def test_saved_screening_keeps_instrument_answers_and_computed_scores(session: VaultSession) -> None:
    entered = draft(
        answers=RISKY, identifier_kind="nhs_number", identifier="943 476 5919",
        date_of_birth=dt.date(1984, 1, 31), setting="ambulance", under_mental_health_services=True,
        risk_to_self=True, service_ids=("nat-frank", "local-cgl"),
    )
    ref = save_screening(session, entered)
    assert ref.startswith("SP-") and len(ref) == 12
    stored = get_screening(session, ref)
    assert stored.draft == dataclasses.replace(entered, identifier="9434765919")
    assert (stored.draft.instrument_id, stored.draft.instrument_version) == ("assist-lite-2013", "2013.1")
    blocks = stored.scores["blocks"]
    assert (blocks["alcohol"]["score"], blocks["alcohol"]["band"]) == (4, "high")
    assert (blocks["cannabis"]["score"], blocks["cannabis"]["band"]) == (2, "moderate")
    assert (blocks["tobacco"]["score"], blocks["tobacco"]["band"]) == (0, "low")
    assert stored.scores["co_occurring_pathway"] is True
    assert (stored.version, stored.saved_by) == (1, ADMIN)
    assert _actions(session, ref) == [audit.SAVE, audit.VIEW]


def test_the_actions_are_stored_with_their_approval_only_when_it_covers_their_policy_version(
    session: VaultSession,
) -> None:
    approved = ActionApproval("Dr A Lead", "Clinical lead, ED", dt.date(2026, 11, 1), "1")
    ref = save_screening(session, draft(), approval=approved)
    assert get_screening(session, ref).scores["policy"]["approval"] == {
        "by": "Dr A Lead", "role": "Clinical lead, ED", "on": "2026-11-01"}
    older = approved._replace(version="0.9")  # an approval of another version of the mapping
    amend_screening(session, ref, draft(setting="ward"), "setting corrected", approval=older)
    assert get_screening(session, ref).scores["policy"]["approval"] is None
    assert get_screening(session, save_screening(session, draft())).scores["policy"] == {
        "id": "signpost-default-actions", "version": "1", "approval": None}


def test_scores_are_computed_from_the_answers_not_taken_from_anywhere_else(session: VaultSession) -> None:
    ref = save_screening(session, draft(answers=answers(**{"tobacco.use": "yes", "tobacco.more_than_10": "yes",
                                                           "tobacco.within_30_min": "yes"})))
    row = session.conn.execute(
        "SELECT v.scores_json FROM screening_versions v JOIN screenings s ON s.id = v.screening_id WHERE s.ref = ?",
        (ref,),
    ).fetchone()
    tobacco = json.loads(row[0])["blocks"]["tobacco"]
    assert (tobacco["score"], tobacco["band"], tobacco["complete"]) == (3, "high", True)


def test_incomplete_or_invalid_drafts_are_refused_and_nothing_is_saved(session: VaultSession) -> None:
    with pytest.raises(AnswerError, match="alcohol.more_than_4"):
        save_screening(session, draft(answers=answers(**{"alcohol.use": "yes"})))
    with pytest.raises(UsageError, match="check digit"):
        save_screening(session, draft(identifier_kind="nhs_number", identifier="943 476 5918"))
    with pytest.raises(UsageError, match="not installed"):
        save_screening(session, dataclasses.replace(draft(), instrument_version="1999"))
    assert session.conn.execute("SELECT count(*) FROM screenings").fetchone()[0] == 0
    assert session.conn.execute("SELECT count(*) FROM screening_versions").fetchone()[0] == 0


def test_amendment_adds_a_version_and_keeps_the_old_one(session: VaultSession) -> None:
    ref = save_screening(session, draft(setting="ed"))
    with pytest.raises(UsageError, match="why"):
        amend_screening(session, ref, draft(setting="ward"), "  ")
    assert amend_screening(session, ref, draft(setting="ward", answers=RISKY), "wrong setting recorded") == 2
    latest, first = get_screening(session, ref), get_screening(session, ref, version=1)
    assert (latest.version, latest.latest_version, latest.draft.setting, latest.amendment_reason) == (
        2, 2, "ward", "wrong setting recorded")
    assert (first.version, first.draft.setting, first.scores["blocks"]["alcohol"]["band"]) == (1, "ed", "low")
    assert latest.scores["blocks"]["alcohol"]["band"] == "high"
    [summary] = list_screenings(session)
    assert (summary.ref, summary.version, summary.bands["alcohol"]) == (ref, 2, "high")
    assert _actions(session, ref) == [audit.SAVE, audit.AMEND, audit.VIEW, audit.VIEW]


def test_stored_versions_cannot_be_changed_or_deleted(session: VaultSession) -> None:
    import sqlcipher3

    save_screening(session, draft())
    with pytest.raises(sqlcipher3.IntegrityError, match="amended by adding a version"):
        session.conn.execute("UPDATE screening_versions SET setting = 'ward'")
    with pytest.raises(sqlcipher3.IntegrityError, match="never deleted"):
        session.conn.execute("DELETE FROM screening_versions")


def test_listing_is_newest_first_and_audited_once(session: VaultSession) -> None:
    refs = [save_screening(session, draft(identifier_kind="local_number", identifier=f"RX{n}")) for n in range(3)]
    listed = list_screenings(session)
    assert [s.ref for s in listed] == refs[::-1]
    assert [s.identifier for s in listed] == ["RX2", "RX1", "RX0"]
    assert [s.ref for s in list_screenings(session, limit=1, offset=1)] == [refs[1]]
    lists = [e for e in audit.entries(session.conn) if e.action == audit.LIST]
    assert [e.detail for e in lists] == ["1 screening(s) listed", "3 screening(s) listed"]


def test_same_identifier_is_the_same_patient(session: VaultSession) -> None:
    save_screening(session, draft(identifier_kind="nhs_number", identifier="9434765919"))
    save_screening(session, draft(identifier_kind="nhs_number", identifier="943-476-5919"))
    save_screening(session, draft())
    save_screening(session, draft())
    kinds = session.conn.execute("SELECT identifier_kind, count(*) FROM patients GROUP BY 1 ORDER BY 1").fetchall()
    assert kinds == [("anonymous", 2), ("nhs_number", 1)]


def test_save_doubts_the_patient_when_the_identifier_or_anything_else_about_the_patient_changes() -> None:
    named = draft(identifier_kind="nhs_number", identifier="9434765919")
    drinks = answers(**{"alcohol.use": "yes", "alcohol.more_than_4": "no", "alcohol.failed_to_control": "no",
                        "alcohol.concern": "no"})
    assert patient_doubt(named, dataclasses.replace(named, setting="ward", service_ids=("nat-frank",))) is None
    assert patient_doubt(named, dataclasses.replace(named, identifier="4010232137")) == (IDENTITY, ())
    assert patient_doubt(named, dataclasses.replace(named, date_of_birth=dt.date(1950, 1, 1))) == (
        SAME_IDENTIFIER, ("date_of_birth",))
    assert patient_doubt(named, dataclasses.replace(named, answers=drinks, risk_to_self=True)) == (
        SAME_IDENTIFIER, ("answers", "risk_to_self"))
    nobody = draft(answers=drinks)
    assert patient_doubt(nobody, dataclasses.replace(nobody, under_mental_health_services=True)) == (
        ANSWERS, ("under_mental_health_services",))
    assert patient_doubt(nobody, dataclasses.replace(nobody, date_of_birth=dt.date(1950, 1, 1))) == (
        ANSWERS, ("date_of_birth",))
    assert patient_doubt(nobody, dataclasses.replace(nobody, service_ids=("nat-frank",))) is None


def test_an_unknown_reference_is_reported(session: VaultSession) -> None:
    with pytest.raises(RecordNotFoundError, match="SP-NONE-0000"):
        get_screening(session, "SP-NONE-0000")


def test_a_change_after_saving_is_described_by_the_parts_that_changed() -> None:
    saved = draft(identifier_kind="nhs_number", identifier="9434765919")
    now = dataclasses.replace(saved, identifier="9434765927", setting="ward", service_ids=("nat-frank",))
    assert changes_after_saving(saved, now) == (
        "Changed on the screening form after saving: patient identifier, setting, services chosen.")
    # every field of a draft is named by some part, so no change goes undescribed
    for name in (f.name for f in dataclasses.fields(ScreeningDraft)):
        value = getattr(saved, name)
        other = {bool: lambda v: not v, str: lambda v: v + "x", tuple: lambda v: (*v, "x"),
                 dict: lambda v: {**v, "x": "y"}, type(None): lambda v: dt.date(2000, 1, 1)}[type(value)](value)
        assert changes_after_saving(saved, dataclasses.replace(saved, **{name: other})) != (
            "Changed on the screening form after saving: ."), name


def test_saving_the_form_again_amends_its_record_and_a_record_gone_becomes_a_new_one(session: VaultSession) -> None:
    first = draft()
    ref, version = save_draft(session, first, None)
    assert version == 1
    again = dataclasses.replace(first, answers=RISKY)
    assert save_draft(session, again, SavedDraft(first, ref, 1)) == (ref, 2)
    assert _actions(session, ref) == [audit.SAVE, audit.AMEND]
    assert get_screening(session, ref).version == 2
    assert len(list_screenings(session)) == 1  # one encounter, one screening
    gone = SavedDraft(first, "SP-GONE0000", 1)  # as after a restore from a backup made before it was saved
    new_ref, version = save_draft(session, again, gone)
    assert new_ref not in (ref, "SP-GONE0000") and version == 1
    assert get_screening(session, new_ref).draft.answers == again.answers
