"""The vault's master key is wiped after use: once a session has signed in, made a backup and closed, neither
the key nor its text form (x'…', what SQLCipher is opened with) is anywhere in the process's memory (Linux,
read through /proc).

Freed Python strings and bytes are not overwritten, so memory swapped to disk would carry the key in clear."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The vault is made by another process (making one leaves the new key's random bytes behind); the child signs
# in, makes a backup and signs out, and tells the test the key in base64, a form the test does not look for.
MAKE = """
import sys
from pathlib import Path
from app.config import load_config
from app.vault.session import create_vault

create_vault(Path(sys.argv[1]), "alice", "correct horse battery", load_config().argon2)[0].close()
"""
CHILD = """
import base64, sys, time
from pathlib import Path
from app.config import load_config
from app.vault.backup import write_backup
from app.vault.session import sign_in

data_dir = Path(sys.argv[1])
session = sign_in(data_dir / "vault", "alice", "correct horse battery", load_config().argon2)
write_backup(session, data_dir / "copy.spbackup")
sys.stdout.write(base64.b64encode(session.master_key).decode() + "\\n")
sys.stdout.flush()
session.close()
sys.stdout.write("closed\\n")
sys.stdout.flush()
time.sleep(60)
"""


def _readable_regions(pid: int) -> list[tuple[int, int]]:
    regions = []
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        span, perms = line.split()[:2]
        if perms.startswith("r") and not line.endswith(("[vvar]", "[vsyscall]")):
            start, end = (int(part, 16) for part in span.split("-"))
            regions.append((start, end))
    return regions


def _memory_holds(pid: int, pattern: re.Pattern[bytes]) -> list[int]:
    """Addresses in process ``pid``'s readable memory where ``pattern`` matches."""
    found = []
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as memory:
        for start, end in _readable_regions(pid):
            try:
                memory.seek(start)
                chunk = memory.read(end - start)
            except OSError:
                continue
            found += [start + match.start() for match in pattern.finditer(chunk)]
    return found


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="reads process memory through /proc (Linux)")
def test_the_master_key_is_not_left_in_memory(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", MAKE, str(tmp_path / "vault")], cwd=ROOT, env=env, check=True)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        key = base64.b64decode(child.stdout.readline())
        assert len(key) == 32, child.stderr.read() if child.stderr else ""
        assert child.stdout.readline().strip() == "closed"
        # Found while open would be the session's and SQLCipher's own copies; after close nothing may hold it.
        assert _memory_holds(child.pid, re.compile(key.hex().encode(), re.IGNORECASE)) == []
        assert _memory_holds(child.pid, re.compile(re.escape(key))) == []
    finally:
        child.kill()
        child.wait()
