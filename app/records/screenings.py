"""Saving, reading, listing and amending screenings; every access leaves an audit entry.

Scores are never taken from the caller: ``save_screening`` re-scores the answers with the
instrument pack named in the draft, and stores answers, scores, bands and actions together with
the instrument id and version, so a result can be re-derived and checked later.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.config import ActionApproval
from app.errors import SignpostError, UsageError
from app.i18n import _
from app.instrument import InstrumentPack, find_pack, score, validate_answers
from app.policy import load_action_policy
from app.records import audit
from app.records.draft import SETTINGS, SavedDraft, ScreeningDraft, changes_after_saving
from app.records.patients import normalise_identifier, patient_id
from app.vault.database import damage_guard, transaction
from app.vault.recovery_key import ALPHABET
from app.vault.session import VaultSession

REF_PREFIX = "SP"


class RecordNotFoundError(SignpostError):
    """No screening has this reference (or this version)."""


@dataclass(frozen=True)
class StoredScreening:
    """One version of a saved screening, with the scores computed when it was saved."""

    ref: str
    version: int
    latest_version: int
    draft: ScreeningDraft
    scores: dict[str, Any]
    created_at: str
    created_by: str
    saved_at: str
    saved_by: str
    amendment_reason: str | None


@dataclass(frozen=True)
class ScreeningSummary:
    """A row of the history list (latest version of each screening)."""

    ref: str
    version: int
    created_at: str
    saved_at: str
    saved_by: str
    identifier_kind: str
    identifier: str
    setting: str
    bands: dict[str, str]
    under_mental_health_services: bool | None
    risk_to_self: bool


@lru_cache(maxsize=8)
def _pack(instrument_id: str, instrument_version: str) -> InstrumentPack:
    pack = find_pack(instrument_id)
    if pack.version != instrument_version:
        raise UsageError(
            _("instrument {id} version {version} is not installed (installed: {installed})").format(
                id=instrument_id, version=instrument_version, installed=pack.version
            )
        )
    return pack


def new_ref() -> str:
    """A reference staff can read out: ``SP-`` and two groups of four unambiguous characters."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{REF_PREFIX}-{body[:4]}-{body[4:]}"


@dataclass(frozen=True)
class _Prepared:
    identifier: str | None
    columns: tuple[Any, ...]


def _prepare(draft: ScreeningDraft, approval: ActionApproval | None) -> _Prepared:
    """Check the draft and compute what is stored; ``UsageError`` listing what is wrong.

    The action policy's approval is stored with the actions it approved (``None``: not approved, or not known to
    the caller), so a later reader knows whether a clinical lead stood behind them when they were shown."""
    pack = _pack(draft.instrument_id, draft.instrument_version)
    answers = dict(draft.answers)
    validate_answers(pack, answers, require_complete=True)
    result = score(pack, answers)
    policy = load_action_policy()
    under_mh = draft.under_mental_health_services
    scores = {
        "blocks": {
            b.block.id: {
                "score": b.score, "band": b.band.id, "complete": b.complete, "action": policy.action_for(b.band.id)
            }
            for b in result.blocks
        },
        "policy": {"id": policy.id, "version": policy.version, "approval": _approval(approval, policy.version)},
        "co_occurring_pathway": policy.co_occurring(result, under_mental_health_services=bool(under_mh)),
    }
    identifier = normalise_identifier(draft.identifier_kind, draft.identifier)
    if draft.setting and draft.setting not in SETTINGS:
        raise UsageError(_("'{setting}' is not a care setting").format(setting=draft.setting))
    dob = draft.date_of_birth
    if dob is not None and dob > dt.date.today():
        raise UsageError(_("The date of birth cannot be in the future."))
    columns = (
        dob.isoformat() if dob else None,
        pack.id,
        pack.version,
        json.dumps(answers, ensure_ascii=False, sort_keys=True),
        json.dumps(scores, sort_keys=True),
        draft.setting or None,
        None if under_mh is None else int(under_mh),
        int(draft.risk_to_self),
        json.dumps(list(draft.service_ids)),
    )
    return _Prepared(identifier, columns)


def _insert_version(
    conn: Any,
    screening_id: int,
    version: int,
    patient: int,
    prepared: _Prepared,
    actor: str,
    now: str,
    reason: str | None,
) -> None:
    conn.execute(
        "INSERT INTO screening_versions (screening_id, version, patient_id, date_of_birth, instrument_id, "
        "instrument_version, answers_json, scores_json, setting, under_mental_health_services, risk_to_self, "
        "service_ids_json, saved_by, saved_at, amendment_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (screening_id, version, patient, *prepared.columns, actor, now, reason),
    )


def _insert_screening(conn: Any, now: str, actor: str) -> tuple[Any, str]:
    """A new screenings row with a fresh reference (drawing again in the rare case of a clash)."""
    import sqlite3

    import sqlcipher3

    while True:
        ref = new_ref()
        try:
            cursor = conn.execute(
                "INSERT INTO screenings (ref, current_version, created_at, created_by) VALUES (?, 1, ?, ?)",
                (ref, now, actor),
            )
        except (sqlcipher3.IntegrityError, sqlite3.IntegrityError) as exc:
            if "screenings.ref" not in str(exc):
                raise
            continue
        return cursor, ref


def _approval(approval: ActionApproval | None, version: str) -> dict[str, str] | None:
    if approval is None or not approval.approves(version) or approval.approved_on is None:
        return None
    return {"by": approval.approved_by, "role": approval.role, "on": approval.approved_on.isoformat()}


def save_screening(session: VaultSession, draft: ScreeningDraft, *, approval: ActionApproval | None = None) -> str:
    """Save a new screening in one audited transaction; returns its reference (e.g. ``SP-K7QM-3XRP``).
    ``approval``: the machine config's approval of the action policy, stored with the actions."""
    prepared = _prepare(draft, approval)
    actor = session.user.name
    now = audit.now_utc()
    with transaction(session.conn) as conn:
        patient = patient_id(conn, draft.identifier_kind, prepared.identifier, actor, now)
        cursor, ref = _insert_screening(conn, now, actor)
        _insert_version(conn, int(cursor.lastrowid), 1, patient, prepared, actor, now, None)
        audit.append(conn, actor, audit.SAVE, record_ref=ref)
    return ref


def amend_screening(
    session: VaultSession, ref: str, draft: ScreeningDraft, reason: str, *, approval: ActionApproval | None = None
) -> int:
    """Store ``draft`` as a new version of screening ``ref`` (the old versions stay); returns the version."""
    if not reason.strip():
        raise UsageError(_("Say why the screening is being amended."))
    prepared = _prepare(draft, approval)
    actor = session.user.name
    now = audit.now_utc()
    with transaction(session.conn) as conn:
        row = conn.execute("SELECT id, current_version FROM screenings WHERE ref = ?", (ref,)).fetchone()
        if row is None:
            raise RecordNotFoundError(_("there is no screening {ref}").format(ref=ref))
        version = int(row[1]) + 1
        patient = patient_id(conn, draft.identifier_kind, prepared.identifier, actor, now)
        _insert_version(conn, int(row[0]), version, patient, prepared, actor, now, reason.strip())
        conn.execute("UPDATE screenings SET current_version = ? WHERE id = ?", (version, row[0]))
        audit.append(conn, actor, audit.AMEND, record_ref=ref, detail=f"version {version}: {reason.strip()}")
    return version


def save_draft(
    session: VaultSession, draft: ScreeningDraft, saved: SavedDraft | None, *, approval: ActionApproval | None = None
) -> tuple[str, int]:
    """Save what the form holds: (reference, version).

    A screening already saved from this form (``saved``) is amended: a new version of the same record whose
    reason names what changed, so one encounter is never counted as two screenings. If that record has gone
    meanwhile (a restore from an earlier backup), the answers become a new record rather than being lost.
    """
    if saved is None:
        return save_screening(session, draft, approval=approval), 1
    try:
        reason = changes_after_saving(saved.draft, draft)
        return saved.reference, amend_screening(session, saved.reference, draft, reason, approval=approval)
    except RecordNotFoundError:
        return save_screening(session, draft, approval=approval), 1


_SELECT = (
    "SELECT s.ref, v.version, s.current_version, s.created_at, s.created_by, v.saved_at, v.saved_by, "
    "p.identifier_kind, p.identifier_value, v.date_of_birth, v.instrument_id, v.instrument_version, "
    "v.answers_json, v.scores_json, v.setting, v.under_mental_health_services, v.risk_to_self, "
    "v.service_ids_json, v.amendment_reason "
    "FROM screenings s JOIN screening_versions v ON v.screening_id = s.id JOIN patients p ON p.id = v.patient_id "
)


def _stored(row: Any) -> StoredScreening:
    (ref, version, latest, created_at, created_by, saved_at, saved_by, kind, identifier, dob, instrument_id,
     instrument_version, answers, scores, setting, under_mh, risk, services, reason) = row
    draft = ScreeningDraft(
        instrument_id=instrument_id,
        instrument_version=instrument_version,
        answers=json.loads(answers),
        identifier_kind=kind,
        identifier=identifier or "",
        date_of_birth=dt.date.fromisoformat(dob) if dob else None,
        setting=setting or "",
        under_mental_health_services=None if under_mh is None else bool(under_mh),
        risk_to_self=bool(risk),
        service_ids=tuple(json.loads(services)),
    )
    return StoredScreening(
        ref, version, latest, draft, json.loads(scores), created_at, created_by, saved_at, saved_by, reason
    )


def current_version(session: VaultSession, ref: str) -> int | None:
    """The latest version number of screening ``ref``, or None if the vault has no such screening.

    Only the number is read (no answers, no patient): not audited as a view.
    """
    with transaction(session.conn) as conn:
        row = conn.execute("SELECT current_version FROM screenings WHERE ref = ?", (ref,)).fetchone()
    return None if row is None else int(row[0])


def get_screening(session: VaultSession, ref: str, version: int | None = None) -> StoredScreening:
    """One screening (latest version unless ``version`` is given). Audited as a view."""
    with transaction(session.conn) as conn:
        which = "v.version = ?" if version is not None else "v.version = s.current_version"
        params: tuple[Any, ...] = (ref, version) if version is not None else (ref,)
        row = conn.execute(_SELECT + f"WHERE s.ref = ? AND {which}", params).fetchone()
        if row is None:
            raise RecordNotFoundError(_("there is no screening {ref}").format(ref=ref))
        audit.append(conn, session.user.name, audit.VIEW, record_ref=ref, detail=f"version {row[1]}")
    return _stored(row)


def list_screenings(session: VaultSession, *, limit: int | None = None, offset: int = 0) -> list[ScreeningSummary]:
    """The latest version of each screening, most recently created first. Audited as one list entry with the count.

    Ordered by row id (creation order), which reads the tables in storage order: far fewer pages to
    decrypt than following the ``created_at`` index.
    """
    sql = (
        "SELECT s.ref, v.version, s.created_at, v.saved_at, v.saved_by, p.identifier_kind, p.identifier_value, "
        "v.setting, v.scores_json, v.under_mental_health_services, v.risk_to_self "
        "FROM screenings s JOIN screening_versions v ON v.screening_id = s.id AND v.version = s.current_version "
        "JOIN patients p ON p.id = v.patient_id ORDER BY s.id DESC LIMIT ? OFFSET ?"
    )
    with damage_guard():
        session.check_usable()
        rows = session.conn.execute(sql, (-1 if limit is None else limit, offset)).fetchall()
    summaries = [
        ScreeningSummary(
            ref, version, created_at, saved_at, saved_by, kind, identifier or "", setting or "",
            {block: value["band"] for block, value in json.loads(scores)["blocks"].items()},
            None if under_mh is None else bool(under_mh), bool(risk),
        )
        for ref, version, created_at, saved_at, saved_by, kind, identifier, setting, scores, under_mh, risk in rows
    ]
    with transaction(session.conn) as conn:
        audit.append(conn, session.user.name, audit.LIST, detail=f"{len(summaries)} screening(s) listed")
    return summaries

