"""Vault costs: sign-in time (Argon2id + open) and SQLCipher against plain sqlite3 for 100,000 screenings.

Both databases get the same schema (our migrations), the same pragmas (WAL, synchronous=FULL,
temp_store=MEMORY), the same statement cache size and the same code: ``save_screening`` and
``list_screenings`` on a session whose connection is SQLCipher (the product) or the standard library's
sqlite3 (the baseline), each action with the session's checks that the vault file is still the one
opened and the account still active.

* Sign-in: ``sign_in`` with the configured Argon2id cost (defaults unless a machine config says
  otherwise), median of several runs, and the key derivation alone. Goal: 0.3 to 0.5 s.
* Save: each database is first filled to 100,000 screenings (1,000 real saves, then copied in SQL,
  untimed); then saves are timed one transaction each, in alternating blocks so machine noise hits
  both alike. Ratio goal: at most 1.3.
* List: ``list_screenings`` of all 100,000, alternating, median. Ratio goal: at most 1.3.
* Backup: one ``write_backup`` of the filled vault (the daily backup's cost at sign-in).
* For information, not the goal: the save ratio against the same binding (``sqlcipher3``, with its own
  SQLite build) opening a database without a key, timed in the same blocks: what encryption and HMAC cost
  alone. Memory security, once on, applies to every connection of the process, so both have it.
* For information, not the goal: the save ratio again in a child process whose SQLCipher connection has
  ``cipher_memory_security`` OFF (the product always turns it ON, and once on it stays on for the whole
  process). With it on, SQLCipher locks (``mlock``) and wipes every allocation SQLite makes outside its small
  per-connection pool ("lookaside"), a system call pair each; that, not the encryption, is most of the
  difference. Prepared statements kept in the statement cache fill that pool, which is why the product keeps
  only a few (``database.STATEMENT_CACHE``): about 8 locked allocations a save instead of about 57.

Run with ``python -m bench vault``; ``SIGNPOST_BENCH_SAVES`` changes the number of timed saves.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from app.config import Argon2Cost, load_config
from app.records.draft import ScreeningDraft
from app.records.screenings import list_screenings, save_screening
from app.vault import keyslots as ks
from app.vault.accounts import User
from app.vault.database import STATEMENT_CACHE, apply_pragmas, transaction
from app.vault.layout import VaultLayout
from app.vault.migrations import migrate
from app.vault.session import VaultSession, create_vault, sign_in

TOTAL = 100_000
REAL_SAVES = 1_000
TIMED_SAVES = int(os.environ.get("SIGNPOST_BENCH_SAVES", "2000"))
BLOCK = 250
LIST_RUNS = 3
SIGN_IN_RUNS = 5
GOAL = 1.3
PASSWORD = "timing-run-password-1"
MEMORY_SECURITY_OFF = "--memory-security-off"
ANSWERS = {
    "tobacco.use": "yes", "tobacco.more_than_10": "yes", "tobacco.within_30_min": "no",
    "alcohol.use": "yes", "alcohol.more_than_4": "no", "alcohol.failed_to_control": "yes", "alcohol.concern": "no",
    "cannabis.use": "no", "stimulants.use": "no", "sedatives.use": "no", "opioids.use": "no", "other.use": "no",
}


def _draft(n: int) -> ScreeningDraft:
    return ScreeningDraft("assist-lite-2013", "2013.1", ANSWERS, identifier_kind="local_number",
                          identifier=f"RX{n:07d}", setting="ed", under_mental_health_services=n % 3 == 0,
                          service_ids=("nat-frank",))


class _PlainConnection(sqlite3.Connection):
    guard: Any = None  # the session's checks before each action, as on the product's connection


def _binding_session(data_dir: Path, *pragmas: str) -> VaultSession:
    """A session through the SQLCipher binding (and its SQLite build), ``pragmas`` run first: without any, a
    database with no key (no encryption, no HMAC)."""
    import sqlcipher3

    class BindingConnection(sqlcipher3.Connection):
        guard: Any = None

    data_dir.mkdir()
    conn = sqlcipher3.connect(str(VaultLayout(data_dir).db), isolation_level=None, check_same_thread=False,
                              cached_statements=STATEMENT_CACHE, factory=BindingConnection)
    for pragma in pragmas:
        conn.execute(pragma)
    return _session(conn, data_dir)


def _plain_session(data_dir: Path) -> VaultSession:
    data_dir.mkdir()
    conn = sqlite3.connect(VaultLayout(data_dir).db, isolation_level=None, check_same_thread=False,
                           cached_statements=STATEMENT_CACHE, factory=_PlainConnection)
    return _session(conn, data_dir)


def _session(conn: Any, data_dir: Path) -> VaultSession:
    """Our pragmas and schema on ``conn`` (the database of a vault in ``data_dir``), and a signed-in user, as a
    vault session: each action then runs the same checks as in the product (the vault file is still the one
    opened, the account still active)."""
    apply_pragmas(conn, in_memory=False)
    migrate(conn)
    with transaction(conn):
        conn.execute("INSERT INTO users (name, role, active, must_change_password, created_at, created_by) "
                     "VALUES ('bench', 'admin', 1, 0, 'now', 'bench')")
    return VaultSession(conn, User("bench", "admin"), VaultLayout(data_dir), Argon2Cost(), bytearray(32))


def _fill(session: VaultSession) -> None:
    """1,000 real saves, then copies of them (fresh references) up to ``TOTAL``; not timed."""
    for n in range(REAL_SAVES):
        save_screening(session, _draft(n))
    conn = session.conn
    with transaction(conn):
        while (count := conn.execute("SELECT count(*) FROM screenings").fetchone()[0]) < TOTAL:
            batch = min(count, TOTAL - count)
            conn.execute(
                "INSERT INTO screenings (ref, current_version, created_at, created_by) "
                "SELECT 'SP-' || upper(hex(randomblob(8))), 1, created_at, created_by FROM screenings "
                "ORDER BY id LIMIT ?", (batch,))
            conn.execute(
                "INSERT INTO screening_versions SELECT NULL, s.id, 1, v.patient_id, v.date_of_birth, v.instrument_id, "
                "v.instrument_version, v.answers_json, v.scores_json, v.setting, v.under_mental_health_services, "
                "v.risk_to_self, v.service_ids_json, v.saved_by, v.saved_at, v.amendment_reason "
                "FROM screenings s JOIN screening_versions v ON v.screening_id = ((s.id - 1) % ?) + 1 "
                "WHERE s.id > ?", (REAL_SAVES, count))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _time_saves(sessions: dict[str, VaultSession]) -> dict[str, float]:
    """Milliseconds per save for each session, timed in alternating blocks."""
    saves = {name: 0.0 for name in sessions}
    n = TOTAL
    for _block in range(TIMED_SAVES // BLOCK):
        for name, session in sessions.items():
            start = time.perf_counter()
            for i in range(BLOCK):
                save_screening(session, _draft(n + i))
            saves[name] += time.perf_counter() - start
        n += BLOCK
    return {name: total / TIMED_SAVES * 1000 for name, total in saves.items()}


def _memory_security_off_saves() -> str:
    """The save ratio measured in a child process whose SQLCipher connection leaves memory security off."""
    out = subprocess.run([sys.executable, "-m", "bench.vault", MEMORY_SECURITY_OFF], capture_output=True, text=True,
                         timeout=600, cwd=Path(__file__).resolve().parent.parent)
    if out.returncode != 0:
        raise RuntimeError(f"the memory-security-off run failed:\n{out.stderr}")
    return out.stdout.strip()


def _cipher_session_memory_security_off(data_dir: Path) -> VaultSession:
    """SQLCipher as ``database.connect`` opens it (raw 256-bit key, same pragmas) but memory security off."""
    import secrets

    return _binding_session(data_dir, f"PRAGMA key = \"x'{secrets.token_hex(32)}'\"",
                            "PRAGMA cipher_memory_security = OFF")


def _print_memory_security_off_ratio() -> None:
    with tempfile.TemporaryDirectory(prefix="signpost-bench-") as temp:
        sessions = {"sqlcipher": _cipher_session_memory_security_off(Path(temp) / "cipher"),
                    "sqlite3": _plain_session(Path(temp) / "plain")}
        for session in sessions.values():
            _fill(session)
        per_save = _time_saves(sessions)
    print(f"  for information, SQLCipher with cipher_memory_security OFF (the product keeps it ON): sqlcipher "
          f"{per_save['sqlcipher']:.3f} ms, sqlite3 {per_save['sqlite3']:.3f} ms, "
          f"ratio {per_save['sqlcipher'] / per_save['sqlite3']:.2f}")


def _time(call: Any) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _bench_sign_in(root: Path) -> None:
    cost = load_config().argon2
    session, _ = create_vault(root / "signin", "bench", PASSWORD, cost)
    session.close()
    sign_in(root / "signin", "bench", PASSWORD, cost).close()  # makes today's backup first
    slots = ks.load_keyslots(root / "signin" / "keyslots.json")
    bench_slot = slots.user_slot("bench")
    derive = [_time(lambda: ks.derive_key(PASSWORD.encode(), bench_slot.kdf)) for _ in range(SIGN_IN_RUNS)]
    whole = [_time(lambda: sign_in(root / "signin", "bench", PASSWORD, cost).close()) for _ in range(SIGN_IN_RUNS)]
    print(f"Argon2id cost: time_cost={cost.time_cost} memory={cost.memory_kib // 1024} MiB "
          f"parallelism={cost.parallelism}")
    print(f"  key derivation alone: median {statistics.median(derive):.3f} s")
    print(f"  sign-in (derive + unwrap + open + migrate check + audit): median {statistics.median(whole):.3f} s "
          f"(goal 0.3-0.5 s)")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="signpost-bench-") as temp:
        root = Path(temp)
        _bench_sign_in(root)
        cipher, _ = create_vault(root / "cipher", "bench", PASSWORD, Argon2Cost(1, 8192, 1))
        plain = _plain_session(root / "plain")
        unkeyed = _binding_session(root / "unkeyed")
        sessions = {"sqlcipher": cipher, "sqlite3": plain}
        fill = {name: _time(lambda s=s: _fill(s)) for name, s in {**sessions, "unkeyed": unkeyed}.items()}
        print(f"filled each database to {TOTAL:,} screenings (untimed set-up: "
              + ", ".join(f"{n} {t:.1f} s" for n, t in fill.items()) + ")")

        per_save = _time_saves({**sessions, "unkeyed": unkeyed})
        ratio = per_save["sqlcipher"] / per_save["sqlite3"]
        print(f"save (one transaction each, {TIMED_SAVES:,} timed): sqlcipher {per_save['sqlcipher']:.3f} ms, "
              f"sqlite3 {per_save['sqlite3']:.3f} ms, ratio {ratio:.2f} ({'ok' if ratio <= GOAL else 'OVER'} "
              f"goal {GOAL})")
        print(f"  for information, the same binding without a key (encryption and HMAC alone): "
              f"{per_save['unkeyed']:.3f} ms, sqlcipher/unkeyed {per_save['sqlcipher'] / per_save['unkeyed']:.2f}, "
              f"unkeyed/sqlite3 {per_save['unkeyed'] / per_save['sqlite3']:.2f}")
        print(_memory_security_off_saves())

        lists: dict[str, list[float]] = {name: [] for name in sessions}
        for _run in range(LIST_RUNS):
            for name, session in sessions.items():
                lists[name].append(_time(lambda s=session: list_screenings(s)))
        listed = {name: statistics.median(times) for name, times in lists.items()}
        ratio = listed["sqlcipher"] / listed["sqlite3"]
        count = TOTAL + TIMED_SAVES // BLOCK * BLOCK
        print(f"list all {count:,}: sqlcipher {listed['sqlcipher']:.3f} s, sqlite3 {listed['sqlite3']:.3f} s, "
              f"ratio {ratio:.2f} ({'ok' if ratio <= GOAL else 'OVER'} goal {GOAL})")
        from app.vault.backup import write_backup

        took = _time(lambda: write_backup(cipher, root / "backup.spbackup"))
        size = (root / "backup.spbackup").stat().st_size / 2**20
        print(f"backup of {count:,} screenings (what the first sign-in of the day also does): {took:.2f} s, "
              f"{size:.0f} MiB")
        cipher.close()
        plain.conn.close()
        unkeyed.conn.close()


if __name__ == "__main__":
    if sys.argv[1:] == [MEMORY_SECURITY_OFF]:
        _print_memory_security_off_ratio()
    else:
        main()
