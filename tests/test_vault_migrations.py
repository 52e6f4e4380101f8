"""Schema migrations on real SQLCipher files: rows survive a table rebuild, constraints still hold, and a
migration that would leave a dangling reference is refused with nothing changed."""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path
from typing import Any

import pytest
from vault_support import draft

from app.config import Argon2Cost
from app.records.screenings import list_screenings, save_screening
from app.vault.accounts import User
from app.vault.database import connect, transaction
from app.vault.errors import VaultError
from app.vault.migrations import MIGRATIONS_DIR, migrate, schema_version
from app.vault.session import VaultSession

SAVE_PATH_INSERTS = {
    "patients": "INSERT INTO patients (identifier_kind, identifier_value, created_at, created_by) VALUES (?, ?, ?, ?)",
    "screening_versions": (
        "INSERT INTO screening_versions (screening_id, version, patient_id, date_of_birth, instrument_id, "
        "instrument_version, answers_json, scores_json, setting, under_mental_health_services, risk_to_self, "
        "service_ids_json, saved_by, saved_at, amendment_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ),
}


LATEST = len(list(MIGRATIONS_DIR.glob("*.sql")))


def _migrations_up_to(version: int, target: Path) -> Path:
    target.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql"))[:version]:
        shutil.copy(path, target / path.name)
    return target


def _vault_at(version: int, tmp_path: Path) -> Any:
    conn = connect(tmp_path / "signpost.db", secrets.token_bytes(32))
    migrate(conn, _migrations_up_to(version, tmp_path / f"migrations-{version}"))
    with transaction(conn):
        conn.execute("INSERT INTO users (name, role, active, must_change_password, created_at, created_by) "
                     "VALUES ('alice', 'admin', 1, 0, 'now', 'test')")
    return conn


def _session(conn: Any) -> VaultSession:
    return VaultSession(conn, User("alice", "admin"), None, Argon2Cost(), bytearray(32))


def _rows(conn: Any, table: str) -> list[tuple[Any, ...]]:
    return conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


def test_a_vault_of_schema_3_keeps_every_row_and_constraint_after_the_rebuild(tmp_path: Path) -> None:
    conn = _vault_at(3, tmp_path)
    session = _session(conn)
    refs = [
        save_screening(session, draft(identifier_kind="nhs_number", identifier="9434765919")),
        save_screening(session, draft(identifier_kind="anonymous", identifier="", setting="ambulance")),
        save_screening(session, draft(identifier_kind="local_number", identifier="RX123", setting="")),
    ]
    before = {table: _rows(conn, table) for table in ("patients", "screenings", "screening_versions", "audit")}

    assert migrate(conn) == LATEST

    assert schema_version(conn) == LATEST
    assert {table: _rows(conn, table) for table in before} == before
    assert sorted(s.ref for s in list_screenings(session)) == sorted(refs)
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(Exception, match="CHECK constraint failed"):
        conn.execute("INSERT INTO patients (identifier_kind, identifier_value, created_at, created_by) "
                     "VALUES ('passport', 'X1', 'now', 'alice')")
    with pytest.raises(Exception, match="CHECK constraint failed"):
        conn.execute(SAVE_PATH_INSERTS["screening_versions"],
                     (1, 2, 1, None, "i", "v", "{}", "{}", "car park", None, 0, "[]", "alice", "now", None))
    with pytest.raises(Exception, match="FOREIGN KEY constraint failed"):
        conn.execute(SAVE_PATH_INSERTS["screening_versions"],
                     (1, 2, 999, None, "i", "v", "{}", "{}", "ed", None, 0, "[]", "alice", "now", None))
    with pytest.raises(Exception, match="never changed in place"):
        conn.execute("UPDATE screening_versions SET setting = 'ward'")
    with pytest.raises(Exception, match="never deleted"):
        conn.execute("DELETE FROM screening_versions")
    with pytest.raises(Exception, match="UNIQUE constraint failed"):
        conn.execute("INSERT INTO patients (identifier_kind, identifier_value, created_at, created_by) "
                     "VALUES ('nhs_number', '9434765919', 'now', 'alice')")
    conn.close()


def _indexes(conn: Any) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_a_vault_of_schema_4_loses_only_the_unqueried_patient_index(tmp_path: Path) -> None:
    conn = _vault_at(4, tmp_path)
    session = _session(conn)
    ref = save_screening(session, draft(identifier_kind="nhs_number", identifier="9434765919"))
    save_screening(session, draft(identifier_kind="anonymous", identifier=""))
    before = {table: _rows(conn, table) for table in ("patients", "screenings", "screening_versions", "audit")}
    indexes = _indexes(conn)

    assert migrate(conn) == LATEST

    assert _indexes(conn) == indexes - {"screening_versions_patient"}
    assert {table: _rows(conn, table) for table in before} == before
    assert save_screening(session, draft(identifier_kind="nhs_number", identifier="9434765919")) != ref
    assert len(list_screenings(session)) == 3
    assert conn.execute("SELECT count(DISTINCT patient_id) FROM screening_versions").fetchone()[0] == 2
    with pytest.raises(Exception, match="FOREIGN KEY constraint failed"):
        conn.execute(SAVE_PATH_INSERTS["screening_versions"],
                     (1, 2, 999, None, "i", "v", "{}", "{}", "ed", None, 0, "[]", "alice", "now", None))
    conn.close()


@pytest.mark.parametrize("table", sorted(SAVE_PATH_INSERTS))
def test_saving_builds_no_temporary_index_for_a_check(tmp_path: Path, table: str) -> None:
    """Each temporary index costs SQLCipher's memory security a locked, wiped allocation per insert."""
    conn = _vault_at(4, tmp_path)
    program = [row[1] for row in conn.execute("EXPLAIN " + SAVE_PATH_INSERTS[table], (None,) * 15 if
                                              table == "screening_versions" else (None,) * 4)]
    assert "OpenEphemeral" not in program
    conn.close()


def test_a_migration_leaving_a_dangling_reference_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    conn = _vault_at(4, tmp_path)
    save_screening(_session(conn), draft())
    before = _rows(conn, "screening_versions")
    migrations = _migrations_up_to(4, tmp_path / "migrations-bad")
    (migrations / "0005_orphan.sql").write_text(
        "INSERT INTO screening_versions (screening_id, version, patient_id, instrument_id, instrument_version, "
        "answers_json, scores_json, risk_to_self, saved_by, saved_at) "
        "VALUES (1, 2, 999, 'i', 'v', '{}', '{}', 0, 'alice', 'now');\n",
        encoding="utf-8",
    )

    with pytest.raises(VaultError, match="screening_versions pointing at a missing row of patients"):
        migrate(conn, migrations)

    assert schema_version(conn) == 4
    assert _rows(conn, "screening_versions") == before
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    conn.close()
