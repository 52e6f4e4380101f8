"""Shared fixtures: headless Qt, a machine config with a test-only Argon2 cost, fresh data dirs."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"

# Answers to the shipped ASSIST-Lite 2013 pack that tests build on.
BLOCKS = ("tobacco", "alcohol", "cannabis", "stimulants", "sedatives", "opioids", "other")
ALL_NO = {f"{block}.use": "no" for block in BLOCKS}
ALCOHOL_HIGH = {**ALL_NO, "alcohol.use": "yes", "alcohol.more_than_4": "yes", "alcohol.failed_to_control": "yes",
                "alcohol.concern": "yes"}

# Argon2id cost is lowered for tests through the machine config, never by skipping it.
TEST_CONFIG = """\
[site]
name = "Test Hospital ED"

[security]
idle_lock_minutes = 5
argon2_time_cost = 1
argon2_memory_kib = 8192
argon2_parallelism = 1
"""


@pytest.fixture(autouse=True)
def machine_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test runs against its own machine config file and no inherited data directory."""
    path = tmp_path_factory.mktemp("config") / "signpost.toml"
    path.write_text(TEST_CONFIG, encoding="utf-8")
    monkeypatch.setenv("SIGNPOST_CONFIG", str(path))
    monkeypatch.delenv("SIGNPOST_DATA_DIR", raising=False)
    yield path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty vault directory for one test."""
    path = tmp_path / "data"
    path.mkdir()
    return path


def shown_with_keyboard(qtbot: Any, window: Any) -> Any:
    """``window`` shown offscreen, active, with a widget holding the keyboard: ready for key presses."""
    from PySide6.QtWidgets import QApplication

    window.ask_before_discarding = False
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return window


@pytest.fixture
def open_window(qtbot: Any) -> Iterator[Callable[..., Any]]:
    """``open_window(*features, demo=False)``: a real main window, shown offscreen, with each feature installed.

    Closes any vault a feature opened when the test ends.
    """
    from app.config import load_config
    from ui.app import make_context
    from ui.main_window import MainWindow

    opened: list[MainWindow] = []

    def open_(*features: ModuleType, demo: bool = False) -> MainWindow:
        window = MainWindow(make_context(load_config(), demo=demo, data_dir=None))
        window.ask_before_discarding = False
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        for feature in features:
            feature.install(window)
        opened.append(window)
        return window

    yield open_
    for window in opened:
        if window.context.vault is not None:
            window.context.vault.close()


@pytest.fixture
def announcements(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, str]]:
    """(source object, message) of every announcement handed to the screen-reader bridge."""
    from PySide6.QtGui import QAccessible, QAccessibleEvent

    heard: list[tuple[object, str]] = []
    hand_on = QAccessible.updateAccessibility

    def listen(event: QAccessibleEvent) -> None:
        if event.type() == QAccessible.Event.Announcement:
            heard.append((event.object(), event.message()))
        hand_on(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", listen)
    return heard
