"""``signpost directory list | import | export | verify-entry`` against a real vault on disk."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from app.cli import run
from app.config import load_config
from app.records.audit import entries
from app.vault.session import create_vault, sign_in

PASSWORD = "correct horse battery"


@pytest.fixture
def vault(data_dir: Path) -> Path:
    session, _recovery = create_vault(data_dir, "admin1", PASSWORD, load_config().argon2)
    session.close()
    return data_dir


def _run(monkeypatch: pytest.MonkeyPatch, vault: Path, *args: str, user: str = "admin1") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    command, action, *rest = args
    return run([command, action, *rest, "--data-dir", str(vault), "--user", user, "--password-stdin"])


def test_list_seeds_the_national_services_on_first_use(
    monkeypatch: pytest.MonkeyPatch, vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, vault, "directory", "list", "--category", "drugs") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["frank\tFRANK\tdrugs\t0300 123 6600\tnever verified\tnational STALE"]


def test_import_dry_run_prints_each_row_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "local.csv"
    path.write_text(
        "id,name,summary,categories,phone\n"
        "leeds-hub,Leeds Recovery Hub,Drop-in,alcohol,0113 496 0000\n"
        "bad,Bad,Bad phone,drugs,0113 49\n",
        encoding="utf-8",
    )
    assert _run(monkeypatch, vault, "directory", "import", str(path), "--dry-run") == 1
    captured = capsys.readouterr()
    assert "1 row would be rejected" in captured.err
    out = captured.out
    assert "row 1 (leeds-hub): would be added" in out
    assert "row 2 (bad): rejected: phone '0113 49'" in out
    assert "dry run: nothing has been changed" in out
    assert _run(monkeypatch, vault, "directory", "import", str(path)) == 1  # as the dry run: the file has problems
    captured = capsys.readouterr()
    assert "nothing imported" in captured.err
    _run(monkeypatch, vault, "directory", "list")
    assert "leeds-hub" not in capsys.readouterr().out


def test_import_then_export_round_trip(
    monkeypatch: pytest.MonkeyPatch, vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "local.json"
    source.write_text(json.dumps({"services": [
        {"id": "leeds-hub", "name": "Leeds <Hub> & Co", "summary": "Drop-in", "categories": ["alcohol"],
         "phone": "0113 496 0000"}]}), encoding="utf-8")
    assert _run(monkeypatch, vault, "directory", "import", str(source)) == 0
    out = tmp_path / "out.json"
    assert _run(monkeypatch, vault, "directory", "export", str(out)) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))["services"]
    assert len(exported) == 13
    assert next(s for s in exported if s["id"] == "leeds-hub")["name"] == "Leeds <Hub> & Co"
    assert _run(monkeypatch, vault, "directory", "export", str(out)) == 2
    assert "exists" in capsys.readouterr().err
    (tmp_path / "a-folder").mkdir()  # a folder in the way, even with --force: refused before it is recorded
    assert _run(monkeypatch, vault, "directory", "export", str(tmp_path / "a-folder"), "--format", "json",
                "--force") == 1
    assert "cannot be written (Is a directory)" in capsys.readouterr().err
    away = tmp_path / "usb-stick" / "out.json"  # named, not made on the local disk; exit 1, not the usage code
    assert _run(monkeypatch, vault, "directory", "export", str(away)) == 1
    assert f"the folder {away.parent} does not exist, so nothing was written" in capsys.readouterr().err
    assert not away.parent.exists()
    csv_out = tmp_path / "out.csv"
    assert _run(monkeypatch, vault, "directory", "export", str(csv_out)) == 0
    capsys.readouterr()
    assert _run(monkeypatch, vault, "directory", "import", str(csv_out), "--dry-run") == 0
    assert "0 to add, 0 to change, 13 unchanged, 0 rejected" in capsys.readouterr().out
    session = sign_in(vault, "admin1", PASSWORD, load_config().argon2, daily_backup=False)
    try:  # each export is audited (the refused one, onto an existing file, is not: nothing was written)
        exports = [json.loads(e.detail) for e in entries(session.conn) if e.action == "directory_export"]
    finally:
        session.close()
    assert sorted(exports, key=lambda d: d["format"]) == [
        {"file": "out.csv", "format": "csv", "services": 13}, {"file": "out.json", "format": "json", "services": 13}]


def test_verify_entry_records_who_and_when_and_is_audited(
    monkeypatch: pytest.MonkeyPatch, vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, vault, "directory", "verify-entry", "samaritans", "--on", "2026-11-02", "--dry-run") == 0
    assert "dry run: would record samaritans as verified on 2026-11-02 by admin1" in capsys.readouterr().out
    assert _run(monkeypatch, vault, "directory", "verify-entry", "samaritans", "--on", "2026-11-02",
                "--by", "Sam Admin") == 0
    assert json.loads(capsys.readouterr().out) == {
        "id": "samaritans", "last_verified": "2026-11-02", "verified_by": "Sam Admin"}
    session = sign_in(vault, "admin1", PASSWORD, load_config().argon2, daily_backup=False)
    try:
        verified = [e for e in entries(session.conn) if e.action == "directory_verify"]
        assert [(e.actor, e.record_ref) for e in verified] == [("admin1", "service:samaritans")]
    finally:
        session.close()
    assert _run(monkeypatch, vault, "directory", "verify-entry", "nope") == 2
    assert "no service has the id 'nope'" in capsys.readouterr().err
    assert _run(monkeypatch, vault, "directory", "verify-entry", "samaritans", "--by", " ") != 0
    assert "verified_by is required" in capsys.readouterr().err


def test_changes_need_an_administrator(
    monkeypatch: pytest.MonkeyPatch, vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.vault.users import add_user, change_own_password

    session = sign_in(vault, "admin1", PASSWORD, load_config().argon2, daily_backup=False)
    try:
        add_user(session, "prac1", "practitioner", "temporary-pw-41")
    finally:
        session.close()
    practitioner = sign_in(vault, "prac1", "temporary-pw-41", load_config().argon2, daily_backup=False)
    change_own_password(practitioner, "temporary-pw-41", PASSWORD)
    practitioner.close()
    assert _run(monkeypatch, vault, "directory", "verify-entry", "samaritans", user="prac1") != 0
    assert "administrator" in capsys.readouterr().err


def test_an_unknown_category_is_refused(
    monkeypatch: pytest.MonkeyPatch, vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, vault, "directory", "list", "--category", "gambling") == 2
    assert "unknown category gambling: use alcohol, drugs" in capsys.readouterr().err


def test_an_export_that_cannot_be_audited_leaves_the_file_already_there(tmp_path: Path) -> None:
    from vault_support import fill_the_vault_disk, new_vault

    from app.directory.export import export_directory
    from app.directory.seed import seed_if_empty
    from app.vault.errors import VaultFullError

    session, _key = new_vault(tmp_path / "vault")
    seed_if_empty(session.conn)
    precious = tmp_path / "precious.json"
    precious.write_text("an earlier export", encoding="utf-8")
    fill_the_vault_disk(session)
    with pytest.raises(VaultFullError):
        export_directory(session.conn, precious, "json", actor=session.user.name)
    assert precious.read_text(encoding="utf-8") == "an earlier export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious.json", "vault"]  # nothing half-written
    session.close()
