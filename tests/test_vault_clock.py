"""A wrong clock on the ward PC: waits after wrong passwords and the daily backups stay sensible.

The clock is moved the way it moves on a real computer: sign-in is given its clock, and a backup's
time written is its file time, set here as a computer whose clock was off would have set it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import time
from pathlib import Path

import pytest
from vault_support import ADMIN, ADMIN_PASSWORD, cost, draft, new_vault

from app.cli import run
from app.records import audit
from app.records.screenings import list_screenings, save_screening
from app.vault.attempts import MAX_WAIT_SECONDS
from app.vault.backup import DAILY_KEEP, daily_backups, make_daily_backup, restore_backup
from app.vault.errors import SignInThrottledError, WrongPasswordError
from app.vault.layout import VaultLayout
from app.vault.session import VaultSession, sign_in

DAY = 86_400.0
YEAR = 365 * DAY


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def vault(data_dir: Path) -> Path:
    session, _ = new_vault(data_dir)
    session.close()
    return data_dir


def test_wrong_passwords_while_the_clock_was_a_year_ahead_cost_one_wait_not_a_year(vault: Path) -> None:
    real = time.time()
    ahead = Clock(real + YEAR)
    for _ in range(4):
        with pytest.raises(WrongPasswordError) as failure:
            sign_in(vault, ADMIN, "guess", cost(), clock=ahead)
        ahead.now += failure.value.wait_seconds
    imposed = failure.value.wait_seconds
    assert imposed > 0
    back = Clock(real)  # the clock set right again
    with pytest.raises(SignInThrottledError) as throttled:
        sign_in(vault, ADMIN, ADMIN_PASSWORD, cost(), clock=back)
    assert 0 < throttled.value.wait_seconds <= imposed
    assert f"wait {int(imposed)} seconds" in str(throttled.value)
    back.now += throttled.value.wait_seconds
    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost(), clock=back)
    session.close()


def test_a_wait_written_by_a_far_ahead_clock_never_exceeds_the_maximum(vault: Path) -> None:
    now = time.time()
    # As left by many wrong passwords under a clock ten years ahead.
    (vault / "signin-attempts.json").write_text(json.dumps({ADMIN: {
        "failures": 40, "unaudited": 40,
        "first_at": "2036-01-01T00:00:00+00:00", "last_at": "2036-01-01T00:10:00+00:00",
        "not_before": now + 10 * YEAR,
    }}))
    clock = Clock(now)
    for _ in range(2):  # a second look must not start the wait again
        with pytest.raises(SignInThrottledError) as throttled:
            sign_in(vault, ADMIN, ADMIN_PASSWORD, cost(), clock=clock)
        assert throttled.value.wait_seconds == pytest.approx(MAX_WAIT_SECONDS - (clock.now - now))
        clock.now += 100
    clock.now = now + MAX_WAIT_SECONDS
    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost(), clock=clock)
    failed = [e for e in audit.entries(session.conn) if e.action == audit.SIGN_IN_FAILED]
    assert [e.detail.split()[0] for e in failed] == ["40"]
    session.close()


def _as_written_at(path: Path, when: float) -> None:
    """Give a backup the file time a computer whose clock said ``when`` would have given it."""
    os.utime(path, (when, when))


def _date(when: float) -> dt.date:
    return dt.datetime.fromtimestamp(when).date()


def _backups_written_at(session: VaultSession, times: list[float]) -> list[Path]:
    """Daily backups named for ``times`` and written then (all made first: the clock only looks wrong later)."""
    paths = [make_daily_backup(session, _date(when)) for when in times]
    assert None not in paths and session.notices == []
    for path, when in zip(paths, times, strict=True):
        assert path is not None
        _as_written_at(path, when)
    return [path for path in paths if path is not None]


def _backup_audits(session: VaultSession) -> list[str]:
    """Details of the backup audit entries, newest first."""
    return [e.detail for e in audit.entries(session.conn) if e.action == audit.BACKUP]


def test_after_a_week_with_the_clock_a_year_ahead_the_day_s_backup_is_kept(vault: Path, tmp_path: Path) -> None:
    now = time.time()
    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    ahead = _backups_written_at(session, [now + YEAR + day * DAY for day in range(DAILY_KEEP)])
    ref = save_screening(session, draft())
    session.close()

    signed_in = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())  # the clock is right again
    kept = daily_backups(VaultLayout(vault))
    todays = [p for p in kept if p.name.startswith(f"signpost-{_date(now).isoformat()}")]
    assert len(todays) == 1, [p.name for p in kept]
    assert len(kept) == DAILY_KEEP and ahead[0] not in kept
    assert len(signed_in.notices) == 1
    notice = signed_in.notices[0]
    assert "clock" in notice and ahead[-1].name in notice and str(VaultLayout(vault).backups) in notice
    assert "Ask IT to check the date and time" in notice
    assert "clock earlier than the newest backup" in _backup_audits(signed_in)[0]
    # A second sign-in the same day makes no second backup.
    signed_in.close()
    again = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    assert daily_backups(VaultLayout(vault)) == kept and again.notices == []
    again.close()
    # The day's backup holds the screening saved after the last of the far-ahead ones.
    restore_backup(tmp_path / "check", todays[0], ADMIN, ADMIN_PASSWORD)
    restored = sign_in(tmp_path / "check", ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    assert [s.ref for s in list_screenings(restored)] == [ref]
    restored.close()


def test_a_clock_set_back_onto_a_day_that_has_a_backup_still_backs_up(vault: Path) -> None:
    now = time.time()
    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    # A week of backups, the clock now three days behind the newest: today's name is taken already.
    week = _backups_written_at(session, [now + (day - 3) * DAY for day in range(DAILY_KEEP)])
    assert week[3].name == f"signpost-{_date(now).isoformat()}.spbackup"
    made = make_daily_backup(session)
    assert made is not None and made not in week and made.exists()
    assert made.stat().st_mtime >= now - 5
    kept = daily_backups(VaultLayout(vault))
    assert made in kept and len(kept) == DAILY_KEEP
    assert kept[-1] == week[-1], "the newest by time written stays, whatever the names say"
    assert week[0] not in kept
    assert len(session.notices) == 1 and week[-1].name in session.notices[0]
    assert make_daily_backup(session) is None  # once a day, as usual
    session.close()


def test_a_clock_behind_the_oldest_backup_never_deletes_the_one_just_written(vault: Path) -> None:
    now = time.time()
    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    week = _backups_written_at(session, [now + YEAR + day * DAY for day in range(DAILY_KEEP)])
    made = make_daily_backup(session, _date(now - YEAR))
    assert made is not None and made.exists()
    assert set(daily_backups(VaultLayout(vault))) == {made, *week[1:]}
    session.close()


def test_a_right_clock_keeps_the_newest_seven_and_says_nothing(vault: Path) -> None:
    now = time.time()
    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    older = _backups_written_at(session, [now - (DAILY_KEEP - day) * DAY for day in range(DAILY_KEEP)])
    made = make_daily_backup(session)
    assert made is not None and made.name == f"signpost-{_date(now).isoformat()}.spbackup"
    assert daily_backups(VaultLayout(vault)) == [*older[1:], made]
    assert session.notices == [] and "clock" not in _backup_audits(session)[0]
    session.close()


def test_the_command_line_says_when_the_clock_looks_wrong(
    vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    (ahead,) = _backups_written_at(session, [time.time() + 30 * DAY])
    session.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
    assert run(["--data-dir", str(vault), "user", "list", "--user", ADMIN, "--password-stdin"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "This computer's clock says it is" in err and ahead.name in err
    assert len(daily_backups(VaultLayout(vault))) == 2


def test_a_pc_whose_clock_runs_ahead_leaves_another_copys_backup_folder_alone(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Backups to a shared folder: another PC is writing one now (its working folder stamped by the file server
    just now), while this PC's clock runs two hours ahead. Its leftover removal must not take that folder for a
    killed backup's."""
    from app.vault.backup import write_backup

    shared = tmp_path / "share"
    shared.mkdir()
    running = shared / ".signpost-backup-def456"  # another copy's, being written
    running.mkdir()
    (running / "signpost.db").write_text("x")
    killed = shared / ".signpost-backup-abc123"  # a killed backup's, three hours old by the server
    killed.mkdir()
    (killed / "signpost.db").write_text("x")
    three_hours_ago = time.time() - 3 * 3600
    os.utime(killed, (three_hours_ago, three_hours_ago))
    left_probe = shared / ".signpost-clock-k9x2.tmp"  # a process killed while it read the file server's clock
    left_probe.touch()
    os.utime(left_probe, (three_hours_ago, three_hours_ago))

    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    try:
        real_time = time.time
        monkeypatch.setattr(time, "time", lambda: real_time() + 2 * 3600)
        write_backup(session, shared / "today.spbackup")
    finally:
        monkeypatch.undo()
        session.close()
    assert running.is_dir() and (running / "signpost.db").read_text() == "x"
    assert not killed.exists()
    assert [p.name for p in shared.iterdir() if p.name.startswith(".signpost-clock-")] == []
