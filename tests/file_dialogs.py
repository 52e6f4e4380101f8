"""Answering Signpost's file dialogs in tests: the real (Qt, not native) dialog is found, filled in and accepted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog


def answer_file_dialog(path: Path | None) -> list[dict[str, Any]]:
    """When the next file dialog opens, choose ``path`` in it (``None``: cancel it).

    Returns a list that then holds what the dialog showed: its folder, history and sidebar, and whether it is
    Qt's own dialog.
    """
    seen: list[dict[str, Any]] = []

    def answer() -> None:
        dialog = next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible()), None
        )
        if dialog is None:
            QTimer.singleShot(10, answer)
            return
        seen.append({
            "folder": dialog.directory().absolutePath(),
            "history": dialog.history(),
            "sidebar": [url.toString() for url in dialog.sidebarUrls()],
            "qt_dialog": dialog.testOption(QFileDialog.Option.DontUseNativeDialog),
            "name": dialog.selectedFiles()[0] if dialog.selectedFiles() else "",
        })
        if path is None:
            dialog.reject()
            return
        dialog.setDirectory(str(path.parent))
        dialog.selectFile(str(path))
        dialog.accept()

    QTimer.singleShot(0, answer)
    return seen


PATIENT_FOLDER = "SMITH John 9434765919 17-03-1961"  # a folder named as staff name a patient's


def leaflet_dialog_at_home() -> tuple[Any, bytes, list[str], Path]:
    """A leaflet dialog showing a one-page PDF, and a folder named as a patient's in the home folder.

    Returns (the dialog, the PDF's bytes, the audit entries it asked for: "print" or "save", the folder).
    """
    import io

    import pypdfium2 as pdfium

    from ui.leaflet.dialog import LeafletDialog

    folder = Path.home() / PATIENT_FOLDER
    folder.mkdir()
    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    pdf = buffer.getvalue()
    recorded: list[str] = []
    dialog = LeafletDialog(lambda languages, paper: pdf, languages=["en"], paper="A4",
                           record=lambda how, languages: recorded.append(how))
    return dialog, pdf, recorded, folder


def run_in_a_fresh_home(script: str, tmp_path: Path) -> tuple[dict[str, Any], Path]:
    """Run ``script`` in a new Python whose home and XDG folders are an empty ``tmp_path/home``.

    Returns (the JSON object the script printed last, the home folder), to read what it left there.
    """
    root = Path(__file__).resolve().parent.parent
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "PYTHONPATH": os.pathsep.join([str(root), str(root / "tests")]),
        "QT_QPA_PLATFORM": "offscreen",
    }
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1]), home
