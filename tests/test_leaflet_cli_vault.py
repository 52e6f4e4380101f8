"""``signpost leaflet`` signed in with ``--user``: the vault's directory (local services too), audited."""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ALCOHOL_HIGH, ROOT

from app.cli import run
from app.config import load_config
from app.records.audit import EXPORT, entries
from app.vault.session import create_vault, sign_in
from app.vault.users import add_user, change_own_password, disable_user
from tests.test_leaflet_render import flat, pdf_text

PASSWORD = "correct horse battery"
LOCAL = {
    "id": "leeds-hub",
    "name": "Leeds Recovery Hub",
    "summary": "Drop-in support for alcohol",
    "categories": ["alcohol"],
    "phone": "0113 496 0000",
}


@pytest.fixture
def vault(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    session, _recovery = create_vault(data_dir, "admin1", PASSWORD, load_config().argon2)
    session.close()
    source = tmp_path / "local.json"
    source.write_text(json.dumps({"services": [LOCAL]}), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert run(["directory", "import", str(source), "--data-dir", str(data_dir), "--user", "admin1",
                "--password-stdin"]) == 0
    return data_dir


def _signed_in(monkeypatch: pytest.MonkeyPatch, vault: Path, *args: str, password: str = PASSWORD) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return run(["leaflet", *args, "--data-dir", str(vault), "--user", "admin1", "--password-stdin"])


def _leaflet_entries(vault: Path) -> list[dict[str, object]]:
    session = sign_in(vault, "admin1", PASSWORD, load_config().argon2, daily_backup=False)
    try:
        return [json.loads(e.detail) for e in entries(session.conn) if e.action == EXPORT and e.detail]
    finally:
        session.close()


def test_services_leaflet_signed_in_lists_local_services_and_is_audited(
    monkeypatch: pytest.MonkeyPatch, vault: Path, tmp_path: Path
) -> None:
    out = tmp_path / "signed-in.pdf"
    assert _signed_in(monkeypatch, vault, "--lang", "pl", "--services", "alcohol", "--out", str(out)) == 0
    text = flat(pdf_text(out.read_bytes()))
    assert "Leeds Recovery Hub" in text and "0113 496 0000" in text
    assert "Drinkline" in text  # national services in the category are still there
    assert _leaflet_entries(vault) == [{"leaflet": "services", "languages": ["pl"]}]

    national_only = tmp_path / "national.pdf"
    assert run(["leaflet", "--lang", "pl", "--services", "alcohol", "--out", str(national_only)]) == 0
    assert "Leeds Recovery Hub" not in flat(pdf_text(national_only.read_bytes()))


def test_result_naming_a_local_service_needs_the_vault(
    monkeypatch: pytest.MonkeyPatch, vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "draft.json"
    source.write_text(json.dumps({
        "instrument_id": "assist-lite-2013", "instrument_version": "2013.1",
        "answers": {"tobacco.use": "no", "alcohol.use": "yes", "alcohol.more_than_4": "yes",
                    "alcohol.failed_to_control": "yes", "alcohol.concern": "yes", "cannabis.use": "no",
                    "stimulants.use": "no", "sedatives.use": "no", "opioids.use": "no", "other.use": "no"},
        "service_ids": ["leeds-hub"],
    }), encoding="utf-8")
    out = tmp_path / "leaflet.pdf"
    assert run(["leaflet", "--lang", "en", "--result", str(source), "--out", str(out)]) == 2
    assert "leeds-hub" in capsys.readouterr().err and not out.exists()

    assert _signed_in(monkeypatch, vault, "--lang", "en", "--result", str(source), "--out", str(out)) == 0
    assert "Leeds Recovery Hub" in flat(pdf_text(out.read_bytes()))
    assert _leaflet_entries(vault) == [{"leaflet": "screening", "languages": ["en"]}]


def test_a_result_naming_no_services_prints_what_the_window_offers_ticked(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, tmp_path: Path
) -> None:
    """It printed every service the rules suggest: with a large local directory, dozens the window never offers."""
    session, _recovery = create_vault(data_dir, "admin1", PASSWORD, load_config().argon2)
    session.close()
    local = [{**LOCAL, "id": f"leeds-{n}", "name": f"Leeds Alcohol Service {n}"} for n in range(1, 9)]
    (tmp_path / "local.json").write_text(json.dumps({"services": local}), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert run(["directory", "import", str(tmp_path / "local.json"), "--data-dir", str(data_dir), "--user",
                "admin1", "--password-stdin"]) == 0
    source = tmp_path / "draft.json"
    source.write_text(json.dumps({"instrument_id": "assist-lite-2013", "instrument_version": "2013.1",
                                  "answers": ALCOHOL_HIGH}), encoding="utf-8")
    out = tmp_path / "leaflet.pdf"
    assert _signed_in(monkeypatch, data_dir, "--lang", "en", "--result", str(source), "--out", str(out)) == 0
    text = flat(pdf_text(out.read_bytes()))
    assert [n for n in range(1, 9) if f"Leeds Alcohol Service {n} " in text] == [1, 2, 3, 4, 5]  # as the panel
    assert "Drinkline" in text


def test_signed_in_options_come_together(
    monkeypatch: pytest.MonkeyPatch, vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.pdf"
    assert run(["leaflet", "--lang", "en", "--demo", "--out", str(out), "--user", "admin1"]) == 2
    assert "--password-stdin" in capsys.readouterr().err
    assert run(["leaflet", "--lang", "en", "--demo", "--out", str(out), "--password-stdin"]) == 2
    assert "--user" in capsys.readouterr().err
    assert _signed_in(monkeypatch, vault, "--lang", "en", "--result", "-", "--out", str(out)) == 2
    assert "both read standard input" in capsys.readouterr().err
    assert _signed_in(monkeypatch, vault, "--lang", "en", "--demo", "--out", str(out), password="wrong password 1") != 0
    assert not out.exists()
    assert _leaflet_entries(vault) == []


def test_out_naming_a_folder_is_refused_with_or_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for force in ([], ["--force"]):
        assert run(["leaflet", "--lang", "en", "--demo", "--out", str(tmp_path), *force]) == 2
        assert "is a folder" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_out_in_a_folder_that_does_not_exist_is_refused_before_anything_is_audited(
    monkeypatch: pytest.MonkeyPatch, vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # It ended with exit 2 (kept for bad arguments) and Python's error text repeating the path; signed in, the
    # leaflet was audited as saved although no file could be.
    out = tmp_path / "usb-stick" / "leaflet.pdf"
    assert _signed_in(monkeypatch, vault, "--lang", "en", "--demo", "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert f"the folder {out.parent} does not exist, so nothing was written" in err and "Errno" not in err
    assert not out.parent.exists()
    assert _leaflet_entries(vault) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="a file-size limit stands in for a full disk (POSIX)")
def test_out_that_cannot_be_written_keeps_the_file_it_was_replacing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import resource
    import signal

    out = tmp_path / "leaflet.pdf"
    out.write_bytes(b"the leaflet printed last week")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    before = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4_000, hard))  # the leaflet is larger: as a disk that fills up
    try:
        code = run(["leaflet", "--lang", "en", "--demo", "--out", str(out), "--force"])
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, before)
    assert code == 1
    assert f"{out} cannot be written (File too large). Nothing was written." in capsys.readouterr().err
    assert out.read_bytes() == b"the leaflet printed last week"
    assert [p.name for p in tmp_path.iterdir()] == ["leaflet.pdf"]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="a folder no file can be made in (Linux /proc)")
def test_a_leaflet_that_cannot_be_written_is_not_recorded_as_saved(
    monkeypatch: pytest.MonkeyPatch, vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _signed_in(monkeypatch, vault, "--lang", "en", "--demo", "--out", "/proc/leaflet.pdf") == 1
    assert "/proc/leaflet.pdf cannot be written" in capsys.readouterr().err
    assert _leaflet_entries(vault) == []


def test_a_saved_leaflet_is_readable_as_any_new_file_and_written_through_a_link(tmp_path: Path) -> None:
    # Written like a key slot, it was readable by its owner only, and a link given with --force was replaced.
    old = os.umask(0o022)
    try:
        assert run(["leaflet", "--lang", "en", "--demo", "--out", str(tmp_path / "new.pdf")]) == 0
        (tmp_path / "kept.pdf").write_bytes(b"old")
        (tmp_path / "link.pdf").symlink_to(tmp_path / "kept.pdf")
        assert run(["leaflet", "--lang", "en", "--demo", "--out", str(tmp_path / "link.pdf"), "--force"]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "new.pdf").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "link.pdf").is_symlink() and (tmp_path / "kept.pdf").read_bytes().startswith(b"%PDF-")


def test_out_dash_writes_the_pdf_to_standard_output(tmp_path: Path) -> None:
    made = subprocess.run([sys.executable, "-m", "app", "leaflet", "--lang", "pl", "--demo", "--out", "-"],
                          capture_output=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(b"%PDF-") and "Alkohol" in flat(pdf_text(made.stdout))
    assert b"standard output:" in made.stderr and list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="the command is paused on a named pipe (POSIX)")
def test_the_leaflet_is_written_only_once_its_audit_entry_is(vault: Path, tmp_path: Path) -> None:
    """The account is disabled by an administrator while the command, signed in, is making the leaflet."""
    admin = sign_in(vault, "admin1", PASSWORD, load_config().argon2, daily_backup=False)
    try:
        add_user(admin, "prac1", "practitioner", "temporary pass 1")
        practitioner = sign_in(vault, "prac1", "temporary pass 1", load_config().argon2, daily_backup=False)
        change_own_password(practitioner, "temporary pass 1", "own password 22")
        practitioner.close()
        result = tmp_path / "result.json"
        os.mkfifo(result)
        out = tmp_path / "leaflet.pdf"
        password, password_writer = os.pipe()
        os.write(password_writer, b"own password 22\n")
        os.close(password_writer)
        command = subprocess.Popen(
            [sys.executable, "-m", "app", "leaflet", "--lang", "en", "--result", str(result), "--out", str(out),
             "--data-dir", str(vault), "--user", "prac1", "--password-stdin"],
            stdin=password, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        os.close(password)
        pipe = _writer_once_read(result, command)  # the command has signed in and reads the screening now
        disable_user(admin, "prac1")
        with os.fdopen(pipe, "w", encoding="utf-8") as writer:
            writer.write(json.dumps({"instrument_id": "assist-lite-2013", "instrument_version": "2013.1",
                                     "answers": ALCOHOL_HIGH}))
        stdout, stderr = command.communicate(timeout=60)
        assert command.returncode not in (0, None)
        assert not out.exists()
        assert "'prac1' has been disabled" in stderr and "Traceback" not in stderr
        assert not [e for e in entries(admin.conn) if e.action == EXPORT and e.detail]
    finally:
        admin.close()


def _writer_once_read(fifo: Path, command: subprocess.Popen[str]) -> int:
    """The write end of ``fifo``, opened once ``command`` opens it to read (it fails the test if ``command`` ends)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            descriptor = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # no reader yet: ENXIO
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise
            assert command.poll() is None, command.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.02)
            continue
        os.set_blocking(descriptor, True)
        return descriptor


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="a pseudo-terminal stands in for the IT person's screen")
def test_out_dash_to_a_terminal_is_refused(tmp_path: Path) -> None:
    # The PDF's bytes were poured onto the screen.
    screen, terminal = os.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "app", "leaflet", "--lang", "en", "--demo", "--out", "-"],
                              stdout=terminal, stderr=subprocess.PIPE, text=True, cwd=tmp_path, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        os.close(terminal)
        os.close(screen)
    assert done.returncode == 2 and "standard output is a terminal: redirect it to a file" in done.stderr


def _immutable(path: Path) -> bool:
    """Make ``path`` unchangeable, as a file open in another program is on Windows; False where that cannot be."""
    import shutil as sh

    if sh.which("chattr") is None:
        return False
    return subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


def test_a_file_that_cannot_be_replaced_is_refused_before_the_leaflet_is_recorded(
    monkeypatch: pytest.MonkeyPatch, vault: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Recorded as saved, then refused at the last step (on Windows: the old PDF open in a viewer).
    locked = tmp_path / "open-in-a-viewer.pdf"
    locked.write_bytes(b"last week's leaflet")
    if not _immutable(locked):
        pytest.skip("no way here to make a file unchangeable")
    try:
        assert _signed_in(monkeypatch, vault, "--lang", "en", "--demo", "--out", str(locked), "--force") == 1
    finally:
        subprocess.run(["chattr", "-i", str(locked)], check=True)
    assert f"{locked} cannot be written (Operation not permitted). Nothing was written." in capsys.readouterr().err
    assert locked.read_bytes() == b"last week's leaflet" and _leaflet_entries(vault) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="a device that is always full")
def test_out_dash_to_a_full_disk_says_so_plainly(tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "app", "leaflet", "--lang", "en", "--demo", "--out", "-"],
                              stdout=full, stderr=subprocess.PIPE, text=True, cwd=tmp_path, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "standard output cannot be written (No space left on device)" in done.stderr
