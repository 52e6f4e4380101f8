"""The audit chain: edits and deletions made behind the program's back are found by verify, with the row."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from vault_support import ADMIN, ADMIN_PASSWORD, cost, draft, file_digests, new_vault

from app.cli import run
from app.records import audit
from app.records.screenings import get_screening, save_screening
from app.vault.database import connect
from app.vault.session import sign_in


@pytest.fixture
def vault(data_dir: Path) -> tuple[Path, bytes]:
    """A vault with some audited activity, closed; returns its directory and master key."""
    session, _ = new_vault(data_dir)
    for _ in range(3):
        get_screening(session, save_screening(session, draft()))
    key = bytes(session.master_key)
    session.close()
    return data_dir, key


def _raw(vault: tuple[Path, bytes]):  # type: ignore[no-untyped-def]
    data_dir, key = vault
    conn = connect(data_dir / "signpost.db", key, create=False)
    # What someone with the key and a SQL prompt could do: remove the guard, then tamper.
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    return conn


def _verify(data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
    code = run(["--data-dir", str(data_dir), "verify", "--user", ADMIN, "--password-stdin"])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_intact_chain_verifies(vault: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _verify(vault[0], monkeypatch, capsys)
    assert code == 0 and "OK" in text


def test_the_program_itself_cannot_change_or_delete_audit_rows(vault: tuple[Path, bytes]) -> None:
    import sqlcipher3

    session = sign_in(vault[0], ADMIN, ADMIN_PASSWORD, cost())
    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        session.conn.execute("UPDATE audit SET actor = 'someone' WHERE id = 2")
    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        session.conn.execute("DELETE FROM audit WHERE id = 2")
    session.close()


def test_removed_or_defused_safeguards_are_reported(vault: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    data_dir, key = vault
    conn = connect(data_dir / "signpost.db", key, create=False)
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute("DROP TRIGGER screening_versions_no_update")
    conn.execute("CREATE TRIGGER screening_versions_no_update BEFORE UPDATE ON screening_versions BEGIN SELECT 1; END")
    conn.close()
    code, text = _verify(data_dir, monkeypatch, capsys)
    assert code == 1
    assert "the safeguard audit_no_delete, which keeps audit append-only, is missing or has been altered" in text
    assert "the safeguard screening_versions_no_update, which keeps screening_versions append-only" in text
    assert "audit_no_update," not in text and "screening_versions_no_delete," not in text


def test_edited_row_is_reported_with_its_id(vault: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    conn = _raw(vault)
    conn.execute("UPDATE audit SET actor = 'nobody' WHERE id = 5")
    conn.close()
    code, text = _verify(vault[0], monkeypatch, capsys)
    assert code == 1
    assert "audit row 5: its content does not match its hash" in text


def test_deleted_middle_row_is_reported(vault: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    conn = _raw(vault)
    conn.execute("DELETE FROM audit WHERE id = 4")
    conn.close()
    code, text = _verify(vault[0], monkeypatch, capsys)
    assert code == 1
    assert "audit row 5: rows 4 to 4 are missing" in text
    assert "audit row 5: does not link to the row before it" in text


def test_deleted_newest_rows_are_reported(vault: tuple[Path, bytes]) -> None:
    conn = _raw(vault)
    last = conn.execute("SELECT max(id) FROM audit").fetchone()[0]
    conn.execute("DELETE FROM audit WHERE id >= ?", (last - 1,))
    assert [str(p) for p in audit.verify_chain(conn)] == [
        f"audit row {last - 1}: the newest rows {last - 1} to {last} are missing (deleted)"
    ]
    conn.close()


def test_newest_rows_deleted_with_the_counter_set_back_are_found_by_the_screening_they_were_about(
    vault: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    session = sign_in(vault[0], ADMIN, ADMIN_PASSWORD, cost())
    ref = save_screening(session, draft())
    session.close()
    conn = connect(vault[0] / "signpost.db", vault[1], create=False)
    guards = [sql for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
                                             "tbl_name = 'audit'")]
    conn.close()
    conn = _raw(vault)
    saved = conn.execute("SELECT id FROM audit WHERE action = 'save' AND record_ref = ?", (ref,)).fetchone()[0]
    conn.execute("DELETE FROM audit WHERE id >= ?", (saved,))
    conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit'", (saved - 1,))
    for sql in guards:
        conn.execute(sql)  # and the guards put back as they were
    assert audit.verify_chain(conn) == []  # the chain itself is whole again
    conn.close()
    code, text = _verify(vault[0], monkeypatch, capsys)
    assert code == 1
    assert f"screening {ref} has 1 saved version(s) but 0 save or amend entries in the audit log" in text
    assert "safeguard" not in text and "audit row" not in text  # nothing else gives it away


def test_rehashed_edit_still_breaks_the_next_link(vault: tuple[Path, bytes]) -> None:
    conn = _raw(vault)
    row = conn.execute("SELECT id, at, actor, action, record_ref, detail, prev_hash FROM audit WHERE id = 3").fetchone()
    forged = audit.row_hash(row[0], row[1], "nobody", *row[3:])
    conn.execute("UPDATE audit SET actor = 'nobody', hash = ? WHERE id = 3", (forged,))
    assert [str(p) for p in audit.verify_chain(conn)] == [
        "audit row 4: does not link to the row before it (a row was removed or changed)"
    ]
    conn.close()


def test_the_verdict_of_a_failed_verify_is_its_last_line(vault: tuple[Path, bytes]) -> None:
    """Before, "FAILED" went to standard error at once while the problems waited in standard output's buffer:
    with both streams in one pipe (``2>&1 | less``), the verdict came first."""
    db = vault[0] / "signpost.db"
    data = bytearray(db.read_bytes())
    data[len(data) - 3000] ^= 0x01
    db.write_bytes(bytes(data))
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}  # buffered, as usual
    verify = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(vault[0]), "verify", "--user", ADMIN, "--password-stdin"],
        cwd=ROOT, input=ADMIN_PASSWORD + "\n", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=60, env=env,
    )
    assert verify.returncode == 1
    *before, verdict = verify.stdout.splitlines()
    assert verdict == "FAILED: 1 problem found."
    assert [line for line in before if "HMAC verification failed for page" in line]


def test_verify_fails_on_a_damaged_page(vault: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    db = vault[0] / "signpost.db"
    data = bytearray(db.read_bytes())
    data[len(data) - 3000] ^= 0x01
    db.write_bytes(bytes(data))
    before = file_digests(vault[0])
    code, text = _verify(vault[0], monkeypatch, capsys)
    assert code == 1
    assert "SQLCipher: HMAC verification failed for page" in text
    assert "pages of the vault database are damaged: restore the latest backup with 'signpost restore'" in text
    assert "accepts no more changes" not in text and "Run 'signpost verify'" not in text
    assert "FAILED: 1 problem found." in text  # the one page; what to do is not counted as a problem
    # Every page is read before the sign-in would be audited: the damaged vault is left exactly as it was found.
    assert file_digests(vault[0]) == before
