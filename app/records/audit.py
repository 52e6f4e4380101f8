"""The append-only audit log: who did what to which record, when; each row holds the hash of the previous one.

Rows are only ever inserted (triggers refuse UPDATE and DELETE). Editing a row breaks its own hash,
deleting one breaks the next row's link, and deleting the newest rows leaves a gap below the
AUTOINCREMENT high-water mark; ``verify_chain`` reports each with its row id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64

SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_OUT = "sign_out"
LOCK = "lock"
VIEW = "view"
LIST = "list"
SAVE = "save"
AMEND = "amend"
EXPORT = "export"
PRINT = "print"
USER_ADD = "user_add"
USER_DISABLE = "user_disable"
USER_RESET_PASSWORD = "user_reset_password"
PASSWORD_CHANGE = "password_change"
RECOVER = "recover"
BACKUP = "backup"
RESTORE = "restore"
REKEY = "rekey"
VERIFY = "verify"
VAULT_CREATE = "vault_create"
KEYSLOTS_PUT_BACK = "keyslots_put_back"  # an interrupted account change's slots replaced by those from before it


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    action: str
    record_ref: str | None
    detail: str


@dataclass(frozen=True)
class ChainProblem:
    """A broken link: ``row_id`` is the audit row where the chain stops holding."""

    row_id: int
    problem: str

    def __str__(self) -> str:
        return f"audit row {self.row_id}: {self.problem}"


def row_hash(row_id: int, at: str, actor: str, action: str, record_ref: str | None, detail: str, prev: str) -> str:
    payload = json.dumps(
        [row_id, at, actor, action, record_ref, detail, prev], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def append(conn: Any, actor: str, action: str, *, record_ref: str | None = None, detail: str = "") -> None:
    """Add one entry. Call inside the transaction of the action it records, so both commit or neither."""
    # The next id continues past deleted newest rows too (AUTOINCREMENT's high-water mark).
    row_id, prev = conn.execute(
        "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit'), 0), "
        "coalesce((SELECT max(id) FROM audit), 0)) + 1, "
        "coalesce((SELECT hash FROM audit ORDER BY id DESC LIMIT 1), ?)",
        (GENESIS,),
    ).fetchone()
    at = now_utc()
    conn.execute(
        "INSERT INTO audit (id, at, actor, action, record_ref, detail, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row_id, at, actor, action, record_ref, detail, prev,
            row_hash(row_id, at, actor, action, record_ref, detail, prev),
        ),
    )


def entries(conn: Any, *, record_ref: str | None = None, limit: int = 200) -> list[AuditEntry]:
    """Newest entries first, optionally only those about one record."""
    where, params = ("WHERE record_ref = ?", [record_ref]) if record_ref else ("", [])
    rows = conn.execute(
        f"SELECT id, at, actor, action, record_ref, detail FROM audit {where} ORDER BY id DESC LIMIT ?",
        (*params, limit),
    ).fetchall()
    return [AuditEntry(*row) for row in rows]


def verify_chain(conn: Any) -> list[ChainProblem]:
    """Every place the chain does not hold, oldest first; empty when the log is intact."""
    problems: list[ChainProblem] = []
    prev = GENESIS
    expected_id = 1
    for row_id, at, actor, action, record_ref, detail, prev_hash, stored in conn.execute(
        "SELECT id, at, actor, action, record_ref, detail, prev_hash, hash FROM audit ORDER BY id"
    ):
        if row_id != expected_id:
            problems.append(ChainProblem(row_id, f"rows {expected_id} to {row_id - 1} are missing (deleted)"))
        if prev_hash != prev:
            problems.append(ChainProblem(row_id, "does not link to the row before it (a row was removed or changed)"))
        if row_hash(row_id, at, actor, action, record_ref, detail, prev_hash) != stored:
            problems.append(ChainProblem(row_id, "its content does not match its hash (the row was edited)"))
        prev = stored
        expected_id = row_id + 1
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
    if seq and seq[0] >= expected_id:
        problems.append(ChainProblem(expected_id, f"the newest rows {expected_id} to {seq[0]} are missing (deleted)"))
    return problems
