"""Directory import and export: per-row dry-run, rejection reasons, all-or-nothing, the IT-managed file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.config import Config
from app.directory import repository
from app.directory.formats import MAX_FILE_BYTES, DirectoryFileError, parse_document, to_csv, to_json
from app.directory.importing import ImportRejectedError, import_data, import_file, import_managed_file
from app.directory.seed import seed_if_empty
from app.records.audit import entries
from app.vault.database import connect
from app.vault.errors import VaultDamagedError
from app.vault.migrations import migrate

HEADER = "id,name,summary,categories,phone,website\n"
GOOD_ROW = "leeds-hub,Leeds Recovery Hub,Drop-in support,alcohol; drugs,0113 496 0000,https://leeds.example.org\n"


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Any]:
    db = connect(tmp_path / "t.db", os.urandom(32))
    migrate(db)
    seed_if_empty(db)
    yield db
    db.close()


def _directory(conn: Any) -> list[repository.Service]:
    return repository.list_services(conn, active_only=False)


def test_csv_dry_run_reports_each_row_and_changes_nothing(conn: Any) -> None:
    before = _directory(conn)
    data = (
        HEADER
        + GOOD_ROW
        + "frank,FRANK,\"Drugs advice, 24 hours\",drugs,0300 123 6600,https://www.talktofrank.com\n"
        + "samaritans,Samaritans,Listening support,mental_health; crisis,116 123,https://www.samaritans.org\n"
        + "bad-phone,Bad,Something,drugs,0300 123,\n"
    ).encode()
    plan = import_data(conn, data, "local.csv", actor="admin1", dry_run=True)
    lines = plan.report().splitlines()
    assert lines[0] == "row 1 (leeds-hub): would be added"
    assert lines[1] == "row 2 (frank): would change summary"
    assert lines[2].startswith("row 3 (samaritans): would change summary")
    assert lines[3].startswith("row 4 (bad-phone): rejected: phone '0300 123': is not a UK phone number")
    assert lines[4] == "1 to add, 2 to change, 0 unchanged, 1 rejected"
    assert _directory(conn) == before


def test_the_report_of_a_real_import_says_what_was_done(conn: Any) -> None:
    data = (
        HEADER
        + GOOD_ROW
        + "frank,FRANK,\"Drugs advice, 24 hours\",drugs,0300 123 6600,https://www.talktofrank.com\n"
    ).encode()
    plan = import_data(conn, data, "local.csv", actor="admin1", dry_run=False)
    assert plan.report().splitlines() == [
        "row 1 (leeds-hub): added",
        "row 2 (frank): changed summary",
        "1 added, 1 changed, 0 unchanged",
    ]
    assert import_data(conn, data, "local.csv", actor="admin1", dry_run=False).summary() == (
        "0 added, 0 changed, 2 unchanged"
    )


def test_an_import_that_changes_a_number_clears_its_last_check(conn: Any) -> None:
    repository.mark_verified(conn, "frank", verified_by="Sam", actor="admin1", on=dt.date(2026, 11, 2))
    data = (HEADER + "frank,FRANK,Drugs advice,drugs,0300 123 6601,https://www.talktofrank.com\n").encode()
    plan = import_data(conn, data, "local.csv", actor="admin1", dry_run=False)
    assert plan.outcomes[0].changes == ("summary", "phone", "last_verified", "verified_by")
    frank = repository.get_service(conn, "frank")
    assert (frank.last_verified, frank.verified_by) == (None, "")


def test_an_import_with_a_rejected_row_imports_nothing(conn: Any) -> None:
    before = _directory(conn)
    audit_before = len(entries(conn))
    data = (HEADER + GOOD_ROW + "bad-phone,Bad,Something,drugs,0300 123,\n").encode()
    with pytest.raises(ImportRejectedError) as caught:
        import_data(conn, data, "local.csv", actor="admin1", dry_run=False)
    assert str(caught.value).startswith("local.csv: nothing imported, because 1 row is rejected:\n")
    assert "row 2 (bad-phone)" in str(caught.value)
    assert _directory(conn) == before
    assert len(entries(conn)) == audit_before


def test_a_good_import_applies_every_row_in_one_audited_step(conn: Any) -> None:
    data = (HEADER + GOOD_ROW + "frank,FRANK,Drugs advice,drugs,0300 123 6600,https://www.talktofrank.com\n").encode()
    plan = import_data(conn, data, "local.csv", actor="admin1", dry_run=False)
    assert plan.summary() == "1 added, 1 changed, 0 unchanged"
    hub = repository.get_service(conn, "leeds-hub")
    assert (hub.categories, hub.phone, hub.national) == (("alcohol", "drugs"), "0113 496 0000", False)
    frank = repository.get_service(conn, "frank")
    assert frank.summary == "Drugs advice"
    # Columns the file leaves out keep their stored values.
    assert frank.text_number == "82111" and frank.sources and frank.national
    detail = json.loads(entries(conn)[0].detail)
    assert entries(conn)[0].action == "directory_import"
    assert detail["added"] == ["leeds-hub"] and detail["changed"] == {"frank": ["summary"]}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("id,name,summary,categories,telephone\n", "unknown column(s): 'telephone'"),
        ("id,name,categories\n", "missing column(s): summary"),
        ("id,name,summary,categories,name\n", "repeated column(s): name"),
    ],
)
def test_wrong_csv_columns_reject_the_whole_file(conn: Any, header: str, expected: str) -> None:
    with pytest.raises(DirectoryFileError) as caught:
        import_data(conn, (header + "x,y,z,alcohol,1\n").encode(), "bad.csv", actor="a", dry_run=True)
    assert expected in str(caught.value)
    assert "The allowed columns are: id, name, summary" in str(caught.value)


def test_json_rows_with_unknown_fields_or_bad_types_are_rejected_with_reasons(conn: Any) -> None:
    doc = {"services": [
        {"id": "x1", "name": "X", "summary": "S", "categories": ["drugs"], "phone": "0300 123 6600", "fax": "1"},
        {"id": "x2", "name": "X", "summary": "S", "categories": "drugs", "phone": "0300 123 6600"},
        {"id": "x3", "name": "X", "summary": "S", "categories": ["drugs"], "website": "javascript:alert(1)"},
        {"name": "No id", "summary": "S", "categories": ["drugs"], "phone": "0300 123 6600"},
    ]}
    plan = import_data(conn, json.dumps(doc).encode(), "bad.json", actor="a", dry_run=True)
    reasons = [o.problems for o in plan.outcomes]
    assert any("unknown field(s) fax" in p for p in reasons[0])
    assert len(reasons[0]) == 1  # the rest of that row is fine
    assert reasons[1] == ("categories: must be a list of text",)
    assert any("website 'javascript:alert(1)': must start with https://" in p for p in reasons[2])
    assert reasons[3] == ("id is required",)


def test_a_row_with_an_unknown_field_is_also_checked_field_by_field(conn: Any) -> None:
    doc = {"services": [{"id": "Bad ID", "name": "X", "summary": "S", "categories": ["nope"],
                         "website": "www.x.org", "colour": "red"}]}
    plan = import_data(conn, json.dumps(doc).encode(), "bad.json", actor="a", dry_run=True)
    problems = "\n".join(plan.outcomes[0].problems)
    for reason in ("unknown field(s) colour", "id 'Bad ID'", "category 'nope'", "website 'www.x.org'"):
        assert reason in problems, problems


def test_duplicate_ids_reject_every_copy(conn: Any) -> None:
    data = (HEADER + GOOD_ROW + GOOD_ROW.replace("Leeds Recovery Hub", "Leeds Hub 2")).encode()
    plan = import_data(conn, data, "dup.csv", actor="a", dry_run=True)
    assert [o.status for o in plan.outcomes] == ["reject", "reject"]
    assert plan.outcomes[0].problems == ("duplicate id 'leeds-hub': it is on rows 1, 2",)


def test_a_ten_megabyte_file_is_refused_before_it_is_read(conn: Any, tmp_path: Path) -> None:
    big = tmp_path / "huge.csv"
    big.write_bytes((HEADER + GOOD_ROW * (10 * 1024 * 1024 // len(GOOD_ROW) + 1)).encode())
    assert big.stat().st_size > 10 * 1024 * 1024
    with pytest.raises(DirectoryFileError) as caught:
        import_file(conn, big, actor="a", dry_run=True)
    assert str(caught.value) == f"huge.csv is 10.0 MB; a directory file can be at most {MAX_FILE_BYTES // 2**20} MB"


def test_non_utf8_text_is_refused_with_the_byte_and_a_fix(conn: Any) -> None:
    data = (HEADER + "cafe,Caf\xe9 Hub,Drop-in,drugs,0113 496 0000,\n").encode("cp1252")
    with pytest.raises(DirectoryFileError) as caught:
        import_data(conn, data, "latin.csv", actor="a", dry_run=True)
    position = len(HEADER) + len("cafe,Caf") + 1
    assert f"latin.csv is not UTF-8 text (byte {position} cannot be read)" in str(caught.value)
    assert "CSV UTF-8" in str(caught.value)


def test_excel_byte_order_mark_is_accepted(conn: Any) -> None:
    plan = import_data(conn, b"\xef\xbb\xbf" + (HEADER + GOOD_ROW).encode(), "bom.csv", actor="a", dry_run=True)
    assert plan.summary() == "1 to add, 0 to change, 0 unchanged, 0 rejected"


def test_export_then_import_is_a_round_trip_in_both_formats(conn: Any, tmp_path: Path) -> None:
    tricky = repository.Service(
        id="tricky", name="<b>Hub</b> & \u200fمرکز", summary='Line one\nline two, "quoted"', categories=("family",),
        phone="+44 20 7946 0000", text_number="07700 900123", languages=("English", "Polish"), self_referral=True,
        last_verified=dt.date(2026, 11, 1), verified_by="Sam", sources=(repository.Source("https://a.example.org",
        "2026-01", "note | with bar"),), do_not_print=("=1+1",),
    )
    repository.add_service(conn, tricky, actor="a")
    services = _directory(conn)
    for text, name in ((to_csv(services), "d.csv"), (to_json(services), "d.json")):
        plan = import_data(conn, text.encode(), name, actor="a", dry_run=True)
        assert {o.status for o in plan.outcomes} == {"unchanged"}, plan.report()
    assert "'+44 20 7946 0000" in to_csv([tricky])  # no spreadsheet formula


def test_managed_file_is_imported_on_start_only_when_newer(conn: Any, tmp_path: Path) -> None:
    path = tmp_path / "it-directory.csv"
    config = Config(directory_import_file=path)
    path.write_text(HEADER + GOOD_ROW, encoding="utf-8")
    first = import_managed_file(conn, config)
    assert first is not None and first.imported and first.plan is not None
    assert repository.get_service(conn, "leeds-hub").name == "Leeds Recovery Hub"
    again = import_managed_file(conn, config)
    assert again is not None and not again.imported and not again.problem
    path.write_text(HEADER + GOOD_ROW.replace("Drop-in support", "Open access"), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9, path.stat().st_mtime_ns + 10**9))
    newer = import_managed_file(conn, config)
    assert newer is not None and newer.imported
    assert repository.get_service(conn, "leeds-hub").summary == "Open access"
    rows = conn.execute("SELECT kind, added, changed, actor FROM directory_import ORDER BY id").fetchall()
    assert rows[1:] == [("managed", 1, 0, "system (IT-managed directory file)"),
                        ("managed", 0, 1, "system (IT-managed directory file)")]


def test_a_bad_managed_file_changes_nothing_and_says_why(conn: Any, tmp_path: Path) -> None:
    path = tmp_path / "it-directory.csv"
    path.write_text(HEADER + "x,X,S,drugs,0300 1,\n", encoding="utf-8")
    before = _directory(conn)
    outcome = import_managed_file(conn, Config(directory_import_file=path))
    assert outcome is not None and not outcome.imported
    assert "row 1 (x): rejected: phone '0300 1'" in outcome.problem
    assert _directory(conn) == before
    missing = import_managed_file(conn, Config(directory_import_file=tmp_path / "gone.csv"))
    assert missing is not None and "cannot be read" in missing.problem
    assert import_managed_file(conn, Config()) is None


def test_a_damaged_vault_met_by_the_managed_import_is_the_vaults_fault_not_the_files(tmp_path: Path) -> None:
    """It came back as the file's problem ("The IT-managed directory file was not imported: the vault database is
    damaged"), for admins only, and the window never said the directory could not be read."""
    key = os.urandom(32)
    db = connect(tmp_path / "t.db", key)
    migrate(db)
    seed_if_empty(db)
    page = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'directory_service'").fetchone()[0]
    db.close()
    data = bytearray((tmp_path / "t.db").read_bytes())
    data[(page - 1) * 4096 + 1000] ^= 0x55
    (tmp_path / "t.db").write_bytes(bytes(data))
    path = tmp_path / "it-directory.csv"
    path.write_text(HEADER + GOOD_ROW, encoding="utf-8")
    db = connect(tmp_path / "t.db", key)
    try:
        with pytest.raises(VaultDamagedError):
            import_managed_file(db, Config(directory_import_file=path))
    finally:
        db.close()


def test_an_empty_file_and_broken_json_are_refused() -> None:
    with pytest.raises(DirectoryFileError, match="is not valid JSON"):
        parse_document(b"{", "x.json")
    with pytest.raises(DirectoryFileError, match='"services" list'):
        parse_document(b"[]", "x.json")
    with pytest.raises(DirectoryFileError, match="is empty"):
        parse_document(b"", "x.csv")


def test_a_field_given_twice_in_a_json_entry_is_refused(conn: Any) -> None:
    """As a CSV file with a column twice is: otherwise the last value would be stored without a word (here the
    phone number the leaflet prints)."""
    text = ('{"format_version": 1, "services": [{"id": "local-dup", "name": "Dup", "summary": "s", '
            '"categories": ["alcohol"], "phone": "020 7946 0001", "phone": "999"}]}')
    with pytest.raises(DirectoryFileError, match="'phone' is given twice in the service 'local-dup'"):
        import_data(conn, text.encode(), "dup.json", actor="a", dry_run=False)
    assert "local-dup" not in {s.id for s in _directory(conn)}


def test_row_with_wrong_cell_count_is_rejected(conn: Any) -> None:
    plan = import_data(conn, (HEADER + "a,b\n").encode(), "short.csv", actor="a", dry_run=True)
    assert plan.outcomes[0].problems == ("has 2 cells but the header has 6 columns",)


def test_dataclass_fields_and_file_fields_agree() -> None:
    from app.directory.formats import FIELDS

    assert set(FIELDS) == {f.name for f in dataclasses.fields(repository.Service)}
