"""The main window's contract with features, saving, new screening, demo mode and start-up."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace

import pytest
from conftest import ALL_NO, ROOT, shown_with_keyboard
from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel, QMessageBox
from pytestqt.qtbot import QtBot
from test_unlock import when_modal

from app.config import Config, load_config
from app.errors import SignpostError
from app.records.draft import SavedDraft, ScreeningDraft
from ui.app import STARTUP_PROBE_ENV, STARTUP_PROBE_MARK, install_features, make_context, parse_gui_args
from ui.main_window import MainWindow, standard_or

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]



@pytest.fixture
def window(open_window: Callable[..., MainWindow]) -> MainWindow:
    return open_window()


def answer(window: MainWindow, answers: dict[str, str]) -> None:
    form = window.form
    form.set_draft(replace(form.draft(), answers=answers))


# --- demo or configured -------------------------------------------------------------------------


def test_nothing_configured_is_a_demo_and_the_title_says_so(qtbot: QtBot) -> None:
    context = make_context(Config(), demo=False, data_dir=None)
    assert context.demo and context.data_dir is None
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert "DEMO" in window.windowTitle()
    assert "not saved to a patient record" in window.windowTitle()
    assert not window.demo_banner.isHidden()


def test_configured_site_is_not_a_demo_unless_asked(qtbot: QtBot) -> None:
    config = load_config()  # the test machine config names a site
    context = make_context(config, demo=False, data_dir=None)
    assert not context.demo and context.data_dir == config.resolve_data_dir()
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert window.windowTitle() == "Test Hospital ED — Signpost"  # Qt adds nothing: it ends with the name
    assert window.demo_banner.isHidden()
    forced = MainWindow(make_context(config, demo=True, data_dir=None))
    qtbot.addWidget(forced)
    assert forced.windowTitle().startswith("Test Hospital ED — DEMO")
    assert forced.windowTitle().endswith(" — Signpost")


def test_a_data_dir_on_the_command_line_means_not_a_demo(tmp_path: os.PathLike[str]) -> None:
    options, rest = parse_gui_args(["--data-dir", str(tmp_path), "-platform", "offscreen"])
    context = make_context(Config(), demo=options.demo, data_dir=options.data_dir)
    assert not context.demo and str(context.data_dir) == str(tmp_path)
    assert rest == ["-platform", "offscreen"]
    assert parse_gui_args(["--demo"])[0].demo


# --- the feature contract -----------------------------------------------------------------------


def test_menus_keep_file_admin_help_order_whoever_asks_first(window: MainWindow) -> None:
    help_menu = window.menu("Help")
    admin = window.menu("Admin")
    assert window.menu("Admin") is admin
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles[:3] == ["&File", "&Admin", "&Help"]
    assert help_menu.title() == "&Help"


def test_result_sections_sit_under_the_results(qtbot: QtBot, window: MainWindow) -> None:
    section = QLabel("services go here")
    window.add_result_section(section)
    assert window.result_panel.isAncestorOf(section)
    qtbot.waitUntil(section.isVisible)
    last_row = window.result_panel.findChild(QLabel, "band:other")
    assert section.mapTo(window, section.rect().topLeft()).y() > last_row.mapTo(window, last_row.rect().topLeft()).y()


def test_current_draft_passes_through_every_contributor(window: MainWindow) -> None:
    answer(window, ALL_NO)
    window.draft_contributors.append(lambda d: replace(d, service_ids=(*d.service_ids, "frank")))
    window.draft_contributors.append(lambda d: replace(d, service_ids=(*d.service_ids, "samaritans")))
    draft = window.current_draft()
    assert draft.service_ids == ("frank", "samaritans")
    assert draft.answers == ALL_NO


# --- saving -------------------------------------------------------------------------------------


def test_save_without_storage_says_so_and_loses_nothing(window: MainWindow) -> None:
    answer(window, ALL_NO)
    window.save_button.click()
    assert "cannot be saved yet" in window.status.text()
    assert "Nothing has been lost" in window.status.text()
    assert window.form.draft().answers == ALL_NO


def test_the_status_line_takes_no_room_until_it_has_something_to_say(window: MainWindow) -> None:
    assert window.status.isHidden()
    buttons_top = window.new_button.mapTo(window, window.new_button.rect().topLeft()).y()
    window.saver = lambda draft, _saved: ("SP-TEST-0001", 1)
    answer(window, ALL_NO)
    window.save_button.click()
    assert window.status.isVisible() and "SP-TEST-0001" in window.status.text()
    window.ask_before_discarding = False
    window.new_screening()
    assert window.status.isHidden()
    QApplication.processEvents()
    assert window.new_button.mapTo(window, window.new_button.rect().topLeft()).y() == buttons_top


def test_save_calls_the_saver_with_the_current_draft_and_shows_the_reference(window: MainWindow) -> None:
    saved: list[ScreeningDraft] = []

    def saver(draft: ScreeningDraft, _saved: SavedDraft | None) -> tuple[str, int]:
        saved.append(draft)
        return "SCR-000042", 1

    window.saver = saver
    window.draft_contributors.append(lambda d: replace(d, service_ids=("frank",)))
    answer(window, ALL_NO)
    window.save_button.click()
    assert [d.answers for d in saved] == [ALL_NO]
    assert saved[0].service_ids == ("frank",)
    assert "SCR-000042" in window.status.text()


def test_save_pressed_again_does_not_store_the_same_screening_twice(qtbot: QtBot, window: MainWindow) -> None:
    calls: list[tuple[ScreeningDraft, SavedDraft | None]] = []

    def saver(draft: ScreeningDraft, saved: SavedDraft | None) -> tuple[str, int]:
        calls.append((draft, saved))
        return "SP-TEST-0001", 1 if saved is None else len(calls)

    window.saver = saver
    services = ["frank"]
    window.draft_contributors.append(lambda d: replace(d, service_ids=tuple(services)))
    answer(window, ALL_NO)
    window.save_button.click()
    first = calls[0][0]
    assert calls == [(first, None)] and window.saved_reference == "SP-TEST-0001"
    window.save_button.click()  # a second click or Enter: nothing new, and the status says so
    assert len(calls) == 1 and window.saved_reference == "SP-TEST-0001"
    assert "Already saved" in window.status.text() and "SP-TEST-0001" in window.status.text()

    services.append("drinkline")  # a change the form does not hold (the services ticked) is saved ...
    window.save_button.click()
    # ... as a change to what this form saved, which the saver amends rather than storing anew
    assert calls[1] == (replace(first, service_ids=("frank", "drinkline")), SavedDraft(first, "SP-TEST-0001"))
    assert "version 2 of the same record" in window.status.text() and "SP-TEST-0001" in window.status.text()
    answer(window, {**ALL_NO, "tobacco.use": "yes", "tobacco.more_than_10": "no", "tobacco.within_30_min": "no"})
    when_modal(qtbot, lambda dialog: press(dialog, "The same patient"))  # changed answers, nobody named: it asks
    window.save_button.click()
    assert calls[2][1] == SavedDraft(calls[1][0], "SP-TEST-0001", 2) and "version 3" in window.status.text()
    window.ask_before_discarding = False
    assert window.new_screening()
    answer(window, ALL_NO)
    window.save_button.click()  # the next patient is a new record
    assert calls[3][1] is None


def press(dialog: QDialog, label: str) -> None:
    """Click the dialog's button whose text starts with ``label``."""
    (button,) = [b for b in dialog.findChildren(QAbstractButton) if b.text().replace("&", "").startswith(label)]
    button.click()


def test_saving_another_patient_over_a_saved_screening_asks_before_touching_the_record(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Before, typing the next patient's number over a saved screening and pressing Save silently made them
    version 2 of the first patient's record."""
    on_file: list[SavedDraft | None] = []

    def saver(draft: ScreeningDraft, saved: SavedDraft | None) -> tuple[str, int]:
        on_file.append(saved)
        return (f"SP-TEST-000{len(on_file)}", 1) if saved is None else (saved.reference, saved.version + 1)

    window.saver = saver
    answer(window, ALL_NO)
    window.form.set_draft(replace(window.form.draft(), identifier_kind="nhs_number", identifier="943 476 5919"))
    assert window.save_button.text() == "Save"
    window.save_button.click()
    assert on_file == [None] and window.save_button.text() == "Save changes"
    assert "SP-TEST-0001" in window.save_button.toolTip()

    window.form.set_draft(replace(window.form.draft(), identifier="401 023 2137"))
    when_modal(qtbot, lambda dialog: press(dialog, "Cancel"))
    window.save_button.click()
    assert len(on_file) == 1 and "Not saved yet" in window.status.text()

    when_modal(qtbot, lambda dialog: press(dialog, "Another patient"))
    window.save_button.click()
    assert on_file[1] is None and "Saved. Record reference: SP-TEST-0002" in window.status.text()

    window.form.set_draft(replace(window.form.draft(), date_of_birth=dt.date(1950, 1, 1)))
    when_modal(qtbot, lambda dialog: press(dialog, "The same patient"))
    window.save_button.click()
    assert on_file[2] is not None and on_file[2].reference == "SP-TEST-0002"
    assert "version 2 of the same record" in window.status.text()

    answer(window, {**ALL_NO, "cannabis.use": "yes", "cannabis.urge": "no", "cannabis.concern": "no"})
    when_modal(qtbot, lambda dialog: press(dialog, "The same patient"))  # other answers: it asks
    window.save_button.click()
    window.form.set_draft(replace(window.form.draft(), setting="ward"))
    window.save_button.click()  # only the setting changed: no question
    assert [saved.reference for saved in on_file[3:] if saved is not None] == ["SP-TEST-0002"] * 2
    window.ask_before_discarding = False
    window.new_screening()
    assert window.save_button.text() == "Save"

    # Saved with no identifier: changed answers may be the next patient's, so Save asks too.
    services = ["frank"]
    window.draft_contributors.append(lambda d: replace(d, service_ids=tuple(services)))
    answer(window, ALL_NO)
    window.save_button.click()
    assert on_file[5] is None
    services.append("drinkline")
    window.save_button.click()  # only the services chosen changed: the same screening, no question
    assert on_file[6] is not None
    asked: list[str] = []

    def read_and_answer(dialog: QDialog) -> None:
        asked.append(" ".join(label.text() for label in dialog.findChildren(QLabel)))
        press(dialog, "Another patient")

    when_modal(qtbot, read_and_answer)
    answer(window, {**ALL_NO, "tobacco.use": "yes", "tobacco.more_than_10": "no", "tobacco.within_30_min": "no"})
    window.save_button.click()
    assert "saved without a patient identifier" in asked[0] and on_file[7] is None


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"answers": {**ALL_NO, "alcohol.use": "yes", "alcohol.more_than_4": "yes", "alcohol.failed_to_control": "no",
                      "alcohol.concern": "yes"}}, "this has changed: answers"),
        ({"risk_to_self": True, "under_mental_health_services": True},
         "these have changed: risk to self, under mental-health services"),
        ({"date_of_birth": dt.date(1999, 5, 5)}, "this has changed: date of birth"),
    ],
    ids=["answers", "flags", "date-of-birth"],
)
def test_the_next_patient_screened_over_a_saved_one_without_a_new_identifier_is_not_saved_into_its_record(
    qtbot: QtBot, window: MainWindow, change: dict[str, object], named: str
) -> None:
    """Before, with the identifier left as it was, the next patient's answers and flags silently became version 2
    of the first patient's record, and a new date of birth alone made a new record under the first patient's NHS
    number. So Save asks, and "another patient" sends the practitioner to the identifier, saving nothing."""
    on_file: list[SavedDraft | None] = []

    def saver(draft: ScreeningDraft, saved: SavedDraft | None) -> tuple[str, int]:
        on_file.append(saved)
        return (f"SP-TEST-000{len(on_file)}", 1) if saved is None else (saved.reference, saved.version + 1)

    window.saver = saver
    window.resize(1000, 500)
    window.show()
    qtbot.waitExposed(window)
    answer(window, ALL_NO)
    window.form.set_draft(replace(window.form.draft(), identifier_kind="nhs_number", identifier="943 476 5919",
                                  date_of_birth=dt.date(1980, 1, 1)))
    window.save_button.click()
    assert on_file == [None]
    bar = window.form_scroll.verticalScrollBar()
    bar.setValue(bar.maximum())  # the last answers on screen, the identifier out of sight above
    next_patient = replace(window.form.draft(), **change)  # type: ignore[arg-type]
    window.form.set_draft(next_patient)
    asked: list[str] = []

    def read_and_answer(dialog: QDialog) -> None:
        asked.append(" ".join(label.text() for label in dialog.findChildren(QLabel)))
        press(dialog, "Another patient: change the identifier first")

    when_modal(qtbot, read_and_answer)
    window.save_button.click()
    assert f"saved for this patient identifier, and since then {named}." in asked[0]
    assert "SP-TEST-0001" in asked[0]
    assert on_file == [None] and "Enter this patient's identifier and date of birth" in window.status.text()
    assert window.form.draft() == next_patient  # nothing lost
    edit = window.form.patient.identifier.edit
    assert window.focusWidget() is edit  # where the keyboard goes back to, in sight, its number selected: typing
    assert edit.selectedText() == edit.text() == "943 476 5919"  # replaces it (before, it added to it)
    viewport = window.form_scroll.viewport()
    assert viewport.rect().contains(QRect(edit.mapTo(viewport, QPoint(0, 0)), edit.size()))
    window.form.set_draft(replace(window.form.draft(), identifier="401 023 2137"))
    when_modal(qtbot, lambda dialog: press(dialog, "Another patient: save a new record"))
    window.save_button.click()
    assert on_file == [None, None] and "SP-TEST-0002" in window.status.text()


def test_incomplete_or_invalid_screening_is_not_saved(window: MainWindow) -> None:
    calls: list[ScreeningDraft] = []
    window.saver = lambda d, _saved: calls.append(d) or ("never", 1)
    answer(window, {"tobacco.use": "yes"})
    window.save_button.click()
    assert calls == []
    assert "Not every question is answered yet" in window.status.text()
    assert "Tobacco" in window.status.text()


def test_saver_failure_is_shown_plainly_and_keeps_the_answers(window: MainWindow) -> None:
    def saver(draft: ScreeningDraft, _saved: SavedDraft | None) -> tuple[str, int]:
        raise SignpostError("the vault is locked")

    window.saver = saver
    answer(window, ALL_NO)
    window.save_button.click()
    assert "the vault is locked" in window.status.text()
    assert window.form.draft().answers == ALL_NO


def test_new_screening_clears_and_announces_it(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(1000, 500)  # the result is taller than its column
    answer(window, ALL_NO)
    window.form.patient.risk_to_self.setChecked(True)
    results = window.result_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: results.maximum() > 0)
    results.setValue(results.maximum())
    with qtbot.waitSignal(window.screening_reset, timeout=1000):
        assert window.new_screening()
    assert window.form.draft().answers == {}
    assert window.form.draft().risk_to_self is False
    assert results.value() == 0  # the next patient's result starts at its heading
    assert window.form.rows["tobacco.use"].hasFocus() or not window.isActiveWindow()


def test_new_screening_asks_before_discarding_unsaved_answers(qtbot: QtBot, window: MainWindow) -> None:
    window.ask_before_discarding = True
    answer(window, ALL_NO)

    def reply_no() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        box.button(QMessageBox.StandardButton.No).click()

    QTimer.singleShot(50, reply_no)
    assert not window.new_screening()
    assert window.form.draft().answers == ALL_NO
    window.ask_before_discarding = False


# --- keys ---------------------------------------------------------------------------------------


def test_quit_keeps_the_platforms_own_key_and_gets_ctrl_q_where_the_platform_has_none() -> None:
    """Before, Quit took only the platform's standard binding, and Windows has none: no key quit there."""
    assert standard_or([], "Ctrl+Q") == [QKeySequence("Ctrl+Q")]
    assert standard_or([QKeySequence("Alt+F4")], "Ctrl+Q") == [QKeySequence("Alt+F4")]


def test_ctrl_q_quits(qtbot: QtBot, open_window: Callable[..., MainWindow]) -> None:
    # Whatever the platform binds to Quit; the offscreen platform, like Windows, binds nothing.
    window = shown_with_keyboard(qtbot, open_window())
    assert window.quit_action.shortcuts()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())


# --- start-up -----------------------------------------------------------------------------------


def test_features_install_after_the_window_and_a_broken_one_does_not_stop_the_others(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: os.PathLike[str]
) -> None:
    (tmp_path / "feature_ok.py").write_text(  # type: ignore[operator]
        "def install(window):\n    window.menu('Admin').setObjectName('installed-by-feature')\n", encoding="utf-8"
    )
    (tmp_path / "feature_broken.py").write_text(  # type: ignore[operator]
        "from app.errors import SignpostError\n"
        "def install(window):\n    raise SignpostError('directory file missing')\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    seen: list[tuple[str, str, str]] = []
    _close_modal_after_reading(seen)  # the real message box, as the user sees it
    install_features(window, ("feature_broken", "feature_ok"))
    assert [(icon, text) for icon, text, _details in seen] == [("Warning", "Directory file missing.")]
    assert window.menu("Admin").objectName() == "installed-by-feature"


def test_app_starts_in_demo_and_shows_the_form_without_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from app.__main__ import main\n"
        "code = main(['--demo'])\n"
        "heavy = ('sqlcipher3', 'reportlab', 'babel', 'argon2', 'cryptography', 'pypdfium2', 'uharfbuzz')\n"
        "print('HEAVY', sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, STARTUP_PROBE_ENV: "1", "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert STARTUP_PROBE_MARK in out.stdout
    assert "HEAVY []" in out.stdout
    noise = [line for line in out.stderr.splitlines() if line and "propagateSizeHints" not in line]
    assert noise == []


def test_qt_calls_and_signals_do_not_leak_references_to_none_or_true() -> None:
    # PySide6 6.12.0 took a reference from None per void Qt call and from True per emit, never given
    # back: on Python 3.11 the interpreter aborted after a few screenings. 6.11.3 is pinned for that;
    # this guards any upgrade.
    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        changed = Signal()

    emitter = Emitter()
    emitter.changed.connect(lambda: None)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(20_000):
        emitter.setObjectName("x")
        emitter.changed.emit()
    assert sys.getrefcount(None) - none_before < 1_000
    assert sys.getrefcount(True) - true_before < 1_000


def _close_modal_after_reading(seen: list[tuple[str, str, str]]) -> None:
    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append((box.icon().name, box.text(), box.detailedText()))
        box.accept()

    QTimer.singleShot(50, read_and_close)


@pytest.mark.parametrize("windowed", [False, True])
def test_a_bug_shows_a_crash_dialog_with_copyable_details(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, windowed: bool
) -> None:
    from ui.errors import report_bug

    if windowed:
        monkeypatch.setattr(sys, "stderr", None)  # as PyInstaller leaves it with console=False
    seen: list[tuple[str, str, str]] = []
    _close_modal_after_reading(seen)
    try:
        raise ValueError("unexpected shape")
    except ValueError:
        report_bug(*sys.exc_info())
    [(icon, text, details)] = seen
    assert icon == "Critical"
    assert "not something you did" in text
    assert "ValueError: unexpected shape" in details and "Traceback" in details
    if not windowed:
        assert "ValueError: unexpected shape" in capsys.readouterr().err


def test_a_known_fault_gets_a_plain_message_not_a_crash_dialog(qtbot: QtBot) -> None:
    from ui.errors import report_bug

    seen: list[tuple[str, str, str]] = []
    _close_modal_after_reading(seen)
    try:
        raise SignpostError("The disk is full. Free some space and try again.")
    except SignpostError:
        report_bug(*sys.exc_info())
    assert seen == [("Warning", "The disk is full. Free some space and try again.", "")]


def test_new_screening_button_clears_without_asking_once_saved(qtbot: QtBot, window: MainWindow) -> None:
    window.ask_before_discarding = True  # a question dialog here would hang the test: none may appear
    window.saver = lambda draft, _saved: ("SCR-1", 1)
    answer(window, ALL_NO)
    window.save_button.click()
    assert "SCR-1" in window.status.text()
    with qtbot.waitSignal(window.screening_reset, timeout=1000):
        window.new_button.click()
    assert window.form.draft().answers == {}
    assert window.status.isHidden()
    window.ask_before_discarding = False


def test_gui_options_in_every_spelling() -> None:
    assert parse_gui_args(["--data-dir=/srv/signpost"])[0].data_dir == "/srv/signpost"
    options, rest = parse_gui_args(["--demo", "-style", "fusion"])
    assert options.demo and options.data_dir is None and rest == ["-style", "fusion"]


def test_new_screening_starts_again_at_the_top(qtbot: QtBot, window: MainWindow) -> None:
    answer(window, ALL_NO)
    bar = window.form_scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    assert bar.maximum() > 0 and bar.value() > 0
    assert window.new_screening(ask=False)
    assert bar.value() == 0
