"""Commands read and write UTF-8 whatever the platform's code page, and refuse to run with no streams.

Windows gives piped and redirected streams its ANSI code page; ``PYTHONIOENCODING=cp1252`` does the same here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from vault_support import cost

from app.vault.session import sign_in

PASSWORD = "pässwörd £ twenty-six"


def signpost(*args: str, stdin: bytes = b"", **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "app", *args], input=stdin, capture_output=True, cwd=ROOT,
                          env={**os.environ, "PYTHONIOENCODING": "cp1252", **env}, timeout=60)


def test_a_password_piped_in_utf8_opens_the_vault_as_typed(data_dir: Path) -> None:
    """Before, '£' piped in as UTF-8 was read as 'Â£' (and a byte-order mark became part of the password), so
    the administrator could not sign in to the new vault with the password they chose."""
    done = signpost("init", "--data-dir", str(data_dir), "--admin", "it.admin", "--password-stdin",
                    stdin="\ufeff".encode() + (PASSWORD + "\n").encode("utf-8"))
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    sign_in(data_dir, "it.admin", PASSWORD, cost(), daily_backup=False).close()


def test_output_to_a_file_or_pipe_is_utf8() -> None:
    """Before, listing the languages into a file stopped at Romanian's own name with a UnicodeEncodeError."""
    done = signpost("languages")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    listed = done.stdout.decode("utf-8")
    assert "Română" in listed and "اردو" in listed and "简体中文" in listed


def test_a_command_with_no_console_is_refused() -> None:
    """The windowed build has no standard streams: a command there could not read a password or show a recovery
    key, so it is refused (on Windows with a message box naming signpost-cli.exe) instead of running unseen."""
    code = ("import sys; sys.stdout = sys.stderr = None; from app.__main__ import main; "
            "raise SystemExit(main(['languages']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2
    assert done.stdout == b"" and done.stderr == b""


def test_standard_input_that_is_not_utf8_gets_a_plain_message(data_dir: Path) -> None:
    """A password file saved in the Windows code page: before, a UnicodeDecodeError traceback."""
    done = signpost("--data-dir", str(data_dir), "verify", "--user", "it.admin", "--password-stdin",
                    stdin="Päss-£-wörd\n".encode("cp1252"))
    assert done.returncode == 2
    assert b"standard input is not UTF-8" in done.stderr and b"Traceback" not in done.stderr


def test_a_command_with_standard_output_closed_says_so_on_standard_error() -> None:
    code = "import sys; sys.stdout = None; from app.__main__ import main; raise SystemExit(main(['languages']))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2 and b"standard input and output" in done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 and Wayland displays")
def test_the_window_with_no_display_to_open_on_is_refused_with_a_message() -> None:
    # On Linux Qt aborted with a core dump and no word from Signpost.
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-m", "app", "--demo"], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=60)
    assert done.returncode == 1 and "there is no display to open the window on" in done.stderr
