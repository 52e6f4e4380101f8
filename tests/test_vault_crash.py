"""Crash safety: processes saving screenings or changing passwords are killed with SIGKILL at random points.

After every kill the vault must open, pass SQLCipher's and SQLite's integrity checks and the audit
chain, and hold every screening whose save had returned (the child prints a reference only after
``save_screening`` returned, that is after COMMIT). A process killed while changing its password leaves a
vault that opens with exactly one of the two passwords: killed between putting its new key slot in place and
recording the change, the next opening puts back the slots from before it, so the password the database knows
opens and the other is refused, saying so.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT
from vault_support import ADMIN, ADMIN_PASSWORD, cost, new_vault

from app.records.screenings import list_screenings
from app.vault.errors import AccountSlotMismatchError
from app.vault.session import sign_in
from app.vault.verify import vault_problems

ROUNDS = 8

CHILD = """
import sys
from app.config import load_config
from app.records.draft import ScreeningDraft
from app.records.screenings import save_screening
from app.vault.session import sign_in

session = sign_in(__import__("pathlib").Path(sys.argv[1]), sys.argv[2], sys.stdin.readline().rstrip("\\n"),
                  load_config().argon2)
answers = {f"{b}.use": "no" for b in ("tobacco", "alcohol", "cannabis", "stimulants", "sedatives", "opioids")}
answers.update({"other.use": "yes", "other.what": "x" * 150})
print("ready", flush=True)
n = 0
while True:
    n += 1
    draft = ScreeningDraft("assist-lite-2013", "2013.1", answers, identifier_kind="local_number",
                           identifier=f"CRASH{n:06d}", setting="ed")
    print(save_screening(session, draft), flush=True)
"""


@pytest.mark.slow
def test_saves_that_returned_survive_sigkill(data_dir: Path) -> None:
    session, _ = new_vault(data_dir)
    session.close()
    rng = random.Random(20261126)
    returned: set[str] = set()
    for round_number in range(ROUNDS):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(data_dir), ADMIN],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert child.stdin and child.stdout
        child.stdin.write((ADMIN_PASSWORD + "\n").encode())
        child.stdin.close()
        assert child.stdout.readline() == b"ready\n", child.stderr.read() if child.stderr else ""
        time.sleep(rng.uniform(0.05, 0.6))
        child.send_signal(signal.SIGKILL)
        output = child.stdout.read()
        child.wait(timeout=10)
        assert child.returncode == -signal.SIGKILL
        # Only complete lines: a reference cut off by the kill was never fully reported.
        lines = output.split(b"\n")[:-1]
        refs = {line.decode() for line in lines}
        assert refs, f"round {round_number}: the child saved nothing before the kill"
        returned |= refs

        after = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False, check_pages=True)
        assert vault_problems(after) == [], f"round {round_number}"
        stored = {s.ref for s in list_screenings(after)}
        after.close()
        assert returned <= stored, f"round {round_number}: lost {sorted(returned - stored)}"


PASSWORD_CHILD = """
import sys
from app.config import load_config
from app.vault.session import sign_in
from app.vault.users import change_own_password

first, second = sys.argv[2], sys.argv[3]
cost = load_config().argon2
for current in (first, second):
    try:
        session = sign_in(__import__("pathlib").Path(sys.argv[1]), "alice", current, cost, daily_backup=False)
        break
    except Exception:
        continue
print("ready", flush=True)
while True:
    new = second if current == first else first
    change_own_password(session, current, new)
    current = new
    print(current, flush=True)
"""


@pytest.mark.slow
def test_key_slot_rewrites_killed_midway_never_leave_the_vault_unopenable(data_dir: Path) -> None:
    session, _ = new_vault(data_dir)
    session.close()
    other = "second-password-2"
    rng = random.Random(7)
    for round_number in range(4):
        child = subprocess.Popen(
            [sys.executable, "-c", PASSWORD_CHILD, str(data_dir), ADMIN_PASSWORD, other],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert child.stdout
        assert child.stdout.readline() == b"ready\n", child.stderr.read() if child.stderr else ""
        time.sleep(rng.uniform(0.05, 0.5))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        opened, interrupted = [], []
        for password in (ADMIN_PASSWORD, other):
            try:
                after = sign_in(data_dir, ADMIN, password, cost(), daily_backup=False, check_pages=True)
            except AccountSlotMismatchError:
                interrupted.append(password)
                continue
            except Exception:  # noqa: BLE001 - the other password is expected to fail
                continue
            assert vault_problems(after) == [], f"round {round_number}"
            after.close()
            opened.append(password)
        assert len(opened) == 1, f"round {round_number}: opened with {opened}"
        assert interrupted in ([], [p for p in (ADMIN_PASSWORD, other) if p not in opened]), f"round {round_number}"
