"""What a save costs a real vault: the pages it writes (each one encrypted and signed by SQLCipher), and the
indexes every lookup still uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from vault_support import draft, new_vault

from app.records import audit
from app.records.screenings import amend_screening, current_version, get_screening, list_screenings, save_screening
from app.vault.session import VaultSession
from app.vault.verify import vault_problems

WAL_FRAME_HEADER = 24
# A save of a new patient writes one leaf page of each table it adds a row to (patients, screenings,
# screening_versions, audit), of each of their indexes (patients_identifier, the unique indexes of
# screenings.ref and of (screening_id, version), audit_record) and of sqlite_sequence (the audit's
# high-water mark): nine. A page split or a growing file (page 1 holds its size) adds one now and then.
PAGES_PER_SAVE = 9


@pytest.fixture
def session(data_dir: Path) -> VaultSession:
    opened, _ = new_vault(data_dir)
    yield opened
    opened.close()


def _pages_written(session: VaultSession, n: int) -> int:
    """WAL frames (one per page written) appended by the save of patient number ``n``."""
    wal = Path(f"{session.layout.db}-wal")
    frame = int(session.conn.execute("PRAGMA page_size").fetchone()[0]) + WAL_FRAME_HEADER
    before = wal.stat().st_size
    save_screening(session, draft(identifier_kind="local_number", identifier=f"RX{n:05d}"))
    return (wal.stat().st_size - before) // frame


def test_a_save_writes_one_page_per_table_and_index_it_needs(session: VaultSession) -> None:
    save_screening(session, draft())  # the WAL now holds frames, so its size grows by whole frames only
    written = [_pages_written(session, n) for n in range(8)]
    assert min(written) == PAGES_PER_SAVE, written


def _plans(session: VaultSession, statements: list[str]) -> dict[str, list[str]]:
    return {
        sql: [row[3] for row in session.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        for sql in statements if sql.startswith(("SELECT", "UPDATE"))
    }


def test_every_lookup_of_a_record_searches_an_index(session: VaultSession) -> None:
    """Records are found by reference, identifier or row id, never by reading a whole table that grows with the
    records, except where all of it is wanted: listing every screening (``s``), verify walking every screening
    and the audit chain (``audit``)."""
    ref = save_screening(session, draft(identifier_kind="nhs_number", identifier="9434765919"))
    save_screening(session, draft(identifier_kind="anonymous", identifier=""))
    statements: list[str] = []
    session.conn.set_trace_callback(statements.append)
    save_screening(session, draft(identifier_kind="nhs_number", identifier="9434765919"))
    amend_screening(session, ref, draft(identifier_kind="nhs_number", identifier="9434765919", setting="ward"), "typo")
    get_screening(session, ref)
    get_screening(session, ref, 1)
    current_version(session, ref)
    list_screenings(session)
    audit.entries(session.conn, record_ref=ref)
    assert vault_problems(session) == []
    session.conn.set_trace_callback(None)

    plans = _plans(session, statements)
    searches = {line for plan in plans.values() for line in plan if line.startswith("SEARCH")}
    scanned = {line.split()[1] for plan in plans.values() for line in plan if line.startswith("SCAN")}
    assert {
        "SEARCH patients USING COVERING INDEX patients_identifier (identifier_kind=? AND identifier_value=?)",
        "SEARCH screenings USING INDEX sqlite_autoindex_screenings_1 (ref=?)",
        "SEARCH s USING INDEX sqlite_autoindex_screenings_1 (ref=?)",
        "SEARCH v USING INDEX sqlite_autoindex_screening_versions_1 (screening_id=? AND version=?)",
        "SEARCH v USING COVERING INDEX sqlite_autoindex_screening_versions_1 (screening_id=?)",
        "SEARCH p USING INTEGER PRIMARY KEY (rowid=?)",
        "SEARCH audit USING INDEX audit_record (record_ref=?)",
        "SEARCH a USING INDEX audit_record (record_ref=?)",
    } <= searches
    assert not scanned & {"screenings", "screening_versions", "v", "patients", "p", "a"}, scanned
    assert all(line != "SCAN audit" for sql, plan in plans.items() if "record_ref =" in sql for line in plan)
