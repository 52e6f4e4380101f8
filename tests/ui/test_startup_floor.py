"""The start-up bench's floor: the demo form's widget tree, rebuilt by plain PySide6 code (bench/startup_floor.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from app.instrument.loader import find_pack
from bench.startup_floor import TREE_CODE, parse_tree, write_replay
from ui.app import STARTUP_PROBE_ENV, STARTUP_PROBE_MARK


def _texts(entry: dict, kind: str) -> list[str]:
    """The texts of every widget of PySide6 class ``kind`` in a widget entry of the tree, in layout order."""
    found = [entry["text"]] if entry["class"] == kind and "text" in entry else []
    children = [entry["scrolled"]] if "scrolled" in entry else []
    layouts = [entry["layout"]] if "layout" in entry else []
    while layouts:
        layout = layouts.pop(0)
        for kind_of_item, _place, item in layout["items"]:
            if kind_of_item == "widget":
                children.append(item)
            elif kind_of_item == "layout":
                layouts.append(item)
    for child in children:
        found += _texts(child, kind)
    return found


def test_the_floor_rebuilds_the_painted_form_and_paints_it(tmp_path: Path) -> None:
    env = {**os.environ, STARTUP_PROBE_ENV: "1", "QT_QPA_PLATFORM": "offscreen"}
    dumped = subprocess.run([sys.executable, "-c", TREE_CODE], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert dumped.returncode == 0, dumped.stderr
    tree = parse_tree(dumped.stdout)
    labels = _texts(tree["central"], "QLabel")
    assert [block.label for block in find_pack().blocks if block.label in labels] == [
        block.label for block in find_pack().blocks
    ]
    assert "&File" in tree["menus"]

    program = write_replay(tree, tmp_path, STARTUP_PROBE_MARK)
    replayed = subprocess.run([sys.executable, str(program)], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=60)
    assert replayed.returncode == 0, replayed.stderr
    assert STARTUP_PROBE_MARK in replayed.stdout
    # Plain PySide6 only: the program and its tree import nothing of Signpost's.
    sources = program.read_text() + (tmp_path / "form_tree.py").read_text()
    assert re.findall(r"^\s*(?:from|import)\s+(\w+)", sources, re.MULTILINE) == ["sys", "PySide6", "PySide6",
                                                                                   "PySide6", "form_tree"]
