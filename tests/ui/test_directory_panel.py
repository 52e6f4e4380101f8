"""The services panel in the real main window: suggestions ticked, untick, add, reset, plain text, banner."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ALCOHOL_HIGH, ALL_NO
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAccessible, QAction, QColor
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.config import load_config
from app.directory.model import Service
from app.directory.repository import add_service, mark_verified
from app.vault.session import create_vault, open_demo_vault, sign_in
from app.vault.users import add_user
from ui.directory import feature
from ui.directory.editor import DirectoryEditor
from ui.directory.services_panel import ServicesPanel
from ui.i18n import switch_language
from ui.main_window import MainWindow
from ui.theme import apply_style, apply_stylesheet

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]

ALCOHOL_NATIONAL = ("alcoholics-anonymous-gb", "drinkline")  # not Al-Anon: for those affected by another's drinking
TRICKY = "<b>Bold</b> & Co \u200f\u0645\u0631\u06a9\u0632 &amp;"


@pytest.fixture
def window(open_window: Callable[..., MainWindow]) -> MainWindow:
    return open_window(feature)


def panel_of(window: MainWindow) -> ServicesPanel:
    panel = window.findChild(ServicesPanel, "services-panel")
    assert panel is not None
    return panel


def answer(window: MainWindow, answers: dict[str, str], **fields: object) -> None:
    window.form.set_draft(dataclasses.replace(window.form.draft(), answers=answers, **fields))  # type: ignore[arg-type]
    QApplication.processEvents()  # lay out new rows before clicking them


def shown(panel: ServicesPanel) -> dict[str, bool]:
    return {service_id: row.check.isChecked() for service_id, row in panel.rows.items()}


def test_without_a_vault_the_national_services_are_suggested_and_ticked(window: MainWindow) -> None:
    panel = panel_of(window)
    assert panel.rows == {} and not panel.empty.isHidden()
    answer(window, ALCOHOL_HIGH)
    assert shown(panel) == dict.fromkeys(sorted(ALCOHOL_NATIONAL, key=lambda i: panel.rows[i].service.name), True)
    assert sorted(window.current_draft().service_ids) == sorted(ALCOHOL_NATIONAL)
    # The band is worded as the result panel words it ("High", not the band id "high").
    assert window.findChild(QLabel, "band:alcohol").text() == "High"
    assert panel.rows["drinkline"].why.text() == "Why: Alcohol: High"


def test_an_unticked_service_still_shows_its_tick_box(window: MainWindow, qapp: QApplication) -> None:
    apply_style(qapp)
    apply_stylesheet(qapp)
    try:
        panel = panel_of(window)
        answer(window, ALCOHOL_HIGH)
        row = panel.rows["drinkline"]
        row.check.setChecked(False)
        image = row.grab(row.check.geometry()).toImage()
        darkest = min(
            QColor(image.pixel(x, y)).lightness() for x in range(image.width()) for y in range(image.height())
        )
        assert darkest < 220, "the empty tick box is drawn white on white"
    finally:
        qapp.setStyleSheet("")


def test_a_screen_reader_on_a_service_tick_box_hears_its_phone_website_hours_and_why(window: MainWindow) -> None:
    panel = panel_of(window)
    answer(window, ALCOHOL_HIGH)
    accessible = QAccessible.queryAccessibleInterface(panel.rows["alcoholics-anonymous-gb"].check)
    assert accessible.text(QAccessible.Text.Name) == "Alcoholics Anonymous Great Britain"
    assert accessible.text(QAccessible.Text.Description) == (
        "Phone 0800 917 7650. https://www.alcoholics-anonymous.org.uk. 24 hours. Why: Alcohol: High"
    )


def test_untick_is_kept_while_answers_change_and_saved_in_the_draft(window: MainWindow, qtbot: QtBot) -> None:
    panel = panel_of(window)
    answer(window, ALCOHOL_HIGH)
    qtbot.mouseClick(panel.rows["alcoholics-anonymous-gb"].check, Qt.MouseButton.LeftButton)
    assert "alcoholics-anonymous-gb" not in window.current_draft().service_ids
    tobacco = {"tobacco.use": "yes", "tobacco.more_than_10": "no", "tobacco.within_30_min": "no"}
    answer(window, {**ALCOHOL_HIGH, **tobacco}, risk_to_self=False)
    assert set(window.current_draft().service_ids) == {"drinkline", "nhs-smokefree-helpline"}
    assert shown(panel)["alcoholics-anonymous-gb"] is False


def test_clicking_the_name_toggles_the_tick(window: MainWindow, qtbot: QtBot) -> None:
    panel = panel_of(window)
    answer(window, ALCOHOL_HIGH)
    qtbot.mouseClick(panel.rows["drinkline"].name, Qt.MouseButton.LeftButton)
    assert "drinkline" not in window.current_draft().service_ids


def test_risk_to_self_adds_the_crisis_lines(window: MainWindow) -> None:
    panel = panel_of(window)
    answer(window, ALL_NO, risk_to_self=True)
    assert set(shown(panel)) == {"nhs-111-mental-health", "samaritans", "shout", "calm", "papyrus-hopeline247"}
    assert panel.rows["samaritans"].why.text() == "Why: risk to self"


def test_the_rows_of_the_last_screening_are_hidden_at_once_not_when_qt_next_deletes(window: MainWindow) -> None:
    """Left visible until deleted, a row ("CALM … Why: risk to self") showed through behind the next user's
    required password change, whose own event loop does not delete widgets."""
    from ui.directory.services_panel import ServiceRow

    panel = panel_of(window)
    answer(window, ALL_NO, risk_to_self=True)
    before = list(panel.rows.values())
    window.new_screening(ask=False)  # as a different user signing in does
    assert panel.rows == {} and before
    assert all(row.isHidden() for row in before)
    assert [row for row in panel.findChildren(ServiceRow) if row.isVisibleTo(panel)] == []


def test_co_occurring_pathway_adds_mental_health_services(window: MainWindow) -> None:
    panel = panel_of(window)
    answer(window, ALCOHOL_HIGH, under_mental_health_services=True)
    assert {"mind-infoline", "drinkline"} <= set(shown(panel))
    assert "co-occurring pathway" in panel.rows["mind-infoline"].why.text()


def test_the_practitioner_can_add_a_service_by_searching(window: MainWindow, qtbot: QtBot) -> None:
    panel = panel_of(window)
    answer(window, ALCOHOL_HIGH)
    qtbot.keyClicks(panel.search, "frank")
    assert panel.matches.count() == 1 and panel.matches.item(0).text().startswith("FRANK — Phone 0300 123 6600")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert window.current_draft().service_ids[-1] == "frank"
    assert panel.rows["frank"].why.text() == "Why: added by you" and panel.search.text() == ""


def test_a_service_added_from_the_list_leaves_the_keyboard_in_the_search_and_is_spoken(
    window: MainWindow, qtbot: QtBot, announcements: list[tuple[object, str]]
) -> None:
    # Down into the list, Enter: the list went away with the keyboard, which landed on Print leaflet… unannounced.
    panel = panel_of(window)
    answer(window, ALCOHOL_HIGH)
    panel.search.setFocus()
    qtbot.keyClicks(panel.search, "frank")
    assert panel.matches.accessibleName() == "Services matching the search"
    qtbot.keyClick(panel.search, Qt.Key.Key_Down)
    assert panel.matches.hasFocus()
    qtbot.keyClick(panel.matches, Qt.Key.Key_Return)
    assert window.current_draft().service_ids[-1] == "frank"
    assert QApplication.focusWidget() is panel.search
    assert (panel.search, "FRANK added to the services to offer.") in announcements


def test_a_new_screening_forgets_the_choice(window: MainWindow, qtbot: QtBot) -> None:
    panel = panel_of(window)
    answer(window, ALCOHOL_HIGH)
    qtbot.mouseClick(panel.rows["drinkline"].check, Qt.MouseButton.LeftButton)
    panel.search.setText("frank")
    panel._add_first_match()
    window.new_screening(ask=False)
    assert panel.rows == {} and window.current_draft().service_ids == ()
    answer(window, ALCOHOL_HIGH)
    assert all(shown(panel).values()) and "frank" not in shown(panel)


def test_a_new_screening_leaves_no_search_to_undo(window: MainWindow, qtbot: QtBot) -> None:
    """Before, Ctrl+Z in the emptied search box brought back what was typed for the previous patient (or by the
    previous practitioner, after a lock)."""
    panel = panel_of(window)
    panel.search.setFocus()
    qtbot.keyClicks(panel.search, "Leeds young people")
    window.new_screening(ask=False)
    assert panel.search.text() == "" and not panel.search.isUndoAvailable()
    panel.search.setFocus()
    qtbot.keyClick(panel.search, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert panel.search.text() == ""


def test_names_are_plain_text_labels_showing_markup_literally(window: MainWindow) -> None:
    window.context.vault = open_demo_vault()
    add_service(window.context.vault.conn, Service(
        id="tricky", name=TRICKY, summary="x", categories=("alcohol",), phone="0113 496 0000", hours="9 & <i>5</i>"),
        actor="demo")
    panel = panel_of(window)
    panel.refresh()
    answer(window, ALCOHOL_HIGH)
    row = panel.rows["tricky"]
    assert list(panel.rows)[0] == "tricky"  # local services first
    assert row.name.text() == TRICKY and row.name.textFormat() == Qt.TextFormat.PlainText
    assert row.details.text() == "Phone 0113 496 0000 · 9 & <i>5</i>"
    assert row.details.textFormat() == Qt.TextFormat.PlainText
    for label in row.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText


def test_admins_see_a_banner_for_entries_overdue_for_checking(window: MainWindow) -> None:
    window.context.vault = open_demo_vault()
    panel = panel_of(window)
    panel.refresh()
    assert not panel.stale_banner.isHidden()
    assert panel.stale_banner.text().startswith("12 services have not been verified in the last 6 months")
    conn = window.context.vault.conn
    for service_id in panel._directory:
        mark_verified(conn, service_id, verified_by="Sam", actor="demo")
    panel.refresh()
    assert panel.stale_banner.isHidden()


def test_practitioners_do_not_see_the_stale_banner(window: MainWindow, data_dir: Path) -> None:
    cost = load_config().argon2
    admin, _key = create_vault(data_dir, "admin1", "correct horse battery", cost)
    add_user(admin, "prac1", "practitioner", "temporary pass 1")
    admin.close()
    window.context.vault = sign_in(data_dir, "prac1", "temporary pass 1", cost, daily_backup=False)
    panel = panel_of(window)
    panel.refresh()
    assert len(panel._directory) == 12  # seeded on first use
    assert panel.stale_banner.isHidden()
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    editor_action = window.findChild(QAction, "action:directory-editor")
    assert not editor_action.isEnabled()  # administrators only, as Users… is: it was offered, then refused


def test_a_local_service_overdue_for_checking_says_so_on_its_row_to_everyone(window: MainWindow) -> None:
    """Only administrators saw that an entry had not been checked for years: practitioners printed it as current."""
    import datetime as dt

    window.context.vault = open_demo_vault()
    panel = panel_of(window)
    panel.refresh()  # the national services are seeded on first use
    conn = window.context.vault.conn
    old = Service(id="oldtown", name="Oldtown Alcohol Team", summary="Help", categories=("alcohol",),
                  phone="0113 496 0004", last_verified=dt.date(2019, 1, 1), verified_by="Sam")
    never = Service(id="newtown", name="Newtown Alcohol Team", summary="Help", categories=("alcohol",),
                    phone="0113 496 0005")
    fresh = Service(id="midtown", name="Midtown Alcohol Team", summary="Help", categories=("alcohol",),
                    phone="0113 496 0006", last_verified=dt.date.today(), verified_by="Sam")
    for service in (old, never, fresh):
        add_service(conn, service, actor="demo")
    panel.refresh()
    answer(window, ALCOHOL_HIGH, risk_to_self=True)
    # The date as Babel writes it for the staff language (en_GB here), as the directory editor shows it.
    assert panel.rows["oldtown"].why.text() == "Why: Alcohol: High · Details last checked 1 Jan 2019"
    assert panel.rows["newtown"].why.text().endswith(" · Details not checked yet")
    assert panel.rows["midtown"].why.text() == "Why: Alcohol: High"
    assert panel.rows["samaritans"].why.text() == "Why: risk to self"  # national lines come with Signpost
    assert "Details last checked 1 Jan 2019" in panel.rows["oldtown"].check.accessibleDescription()
    switch_language("pl")
    try:
        assert panel.rows["oldtown"].why.text().endswith(" 1 sty 2019")  # not 01/01/2019 whatever the language
    finally:
        switch_language("en")


def test_a_crisis_line_is_offered_with_its_number_as_shipped_whatever_an_older_vault_holds(
    window: MainWindow
) -> None:
    """A vault edited before crisis numbers were fixed showed "116 125" for Samaritans in the panel (and to the
    screen reader), while the leaflet printed 116 123."""
    window.context.vault = open_demo_vault()
    panel = panel_of(window)
    panel.refresh()  # seeded on first use
    window.context.vault.conn.execute("UPDATE directory_service SET phone = '116 125' WHERE id = 'samaritans'")
    panel.refresh()
    answer(window, ALCOHOL_HIGH, risk_to_self=True)
    row = panel.rows["samaritans"]
    assert row.details.text().startswith("Phone 116 123") and "116 125" not in row.check.accessibleDescription()


def test_admin_menu_opens_the_editor_only_for_an_administrator(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    actions = [a for a in window.menu("Admin").actions() if a.objectName() == "action:directory-editor"]
    assert len(actions) == 1 and actions[0].text() == "Services &directory…"
    action = actions[0]
    assert not action.isEnabled()  # nobody signed in to edit it as
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: told.append(text))
    feature.open_editor(window, window.services_panel.source, window.services_panel)  # type: ignore[attr-defined]
    assert told == ["Sign in with an administrator account to edit the services directory."]

    window.context.vault = open_demo_vault()
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))  # as when staff come back to the window
    assert action.isEnabled()
    seen: list[int] = []

    def close_editor() -> None:
        editor = QApplication.activeModalWidget()
        assert isinstance(editor, DirectoryEditor)
        seen.append(editor.table.rowCount())
        editor.reject()

    QTimer.singleShot(0, close_editor)
    action.trigger()
    assert seen == [12]


def test_a_service_can_be_found_by_its_phone_number(window: MainWindow, qtbot: QtBot) -> None:
    panel = panel_of(window)
    qtbot.keyClicks(panel.search, "0300 123 66")
    assert panel.matches.count() == 1 and panel.matches.item(0).text().startswith("FRANK")


def test_suggesting_services_opens_no_stray_windows(window: MainWindow, qapp: QApplication) -> None:
    """A row's label shown before it had a parent opened as its own window, and took the keyboard from the form."""
    from PySide6.QtCore import QEvent, QObject

    shown: list[str] = []

    class Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
                shown.append(watched.objectName() or type(watched).__name__)
            return False

    watch = Watch()
    qapp.installEventFilter(watch)
    try:
        answer(window, ALCOHOL_HIGH)
    finally:
        qapp.removeEventFilter(watch)
    assert shown == []


def test_with_a_substance_half_answered_the_panel_says_services_come_once_it_is_answered(window: MainWindow) -> None:
    panel = panel_of(window)
    answer(window, {"alcohol.use": "yes", "alcohol.more_than_4": "yes"})
    assert panel.rows == {} and not panel.empty.isHidden()
    assert panel.empty.text().startswith("Services are suggested as soon as the answers show each substance")
    answer(window, ALL_NO)
    assert panel.rows == {} and panel.empty.text().startswith("No services are suggested for this result")


def test_a_large_directory_shows_a_few_services_per_need_and_says_how_many_more_the_search_finds(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.context.vault = open_demo_vault()
    panel = panel_of(window)
    panel.refresh()  # the national services are seeded on first use
    conn = window.context.vault.conn
    for i in range(40):
        add_service(conn, Service(id=f"alcohol-{i:02}", name=f"Alcohol Service {i:02}", summary="Local help",
                                  categories=("alcohol",), phone=f"0113 496 00{i:02}"), actor="demo")
    panel.refresh()
    answer(window, ALCOHOL_HIGH)
    assert list(panel.rows) == [*(f"alcohol-{i:02}" for i in range(5)), *ALCOHOL_NATIONAL]
    assert not panel.more.isHidden()
    assert panel.more.text() == "Alcohol: 35 more services are suggested. Type in the search box below to find them."
    qtbot.keyClicks(panel.search, "Alcohol Service 39")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert panel.rows["alcohol-39"].why.text() == "Why: Alcohol: High · Details not checked yet"  # found, and why
    assert window.current_draft().service_ids[-1] == "alcohol-39"
    answer(window, ALL_NO)
    assert panel.more.isHidden()


def test_rows_are_rebuilt_only_for_services_that_changed(window: MainWindow) -> None:
    window.context.vault = open_demo_vault()
    panel = panel_of(window)
    panel.refresh()
    answer(window, ALCOHOL_HIGH)
    rows = dict(panel.rows)
    answer(window, ALCOHOL_HIGH, setting="ed")  # same suggestions
    assert all(panel.rows[i] is row for i, row in rows.items())
    conn = window.context.vault.conn
    drinkline = panel.rows["drinkline"].service
    from app.directory.repository import update_service

    update_service(conn, dataclasses.replace(drinkline, phone="0300 123 1111"), actor="demo")
    panel.refresh()
    assert panel.rows["drinkline"] is not rows["drinkline"]
    assert panel.rows["drinkline"].details.text().startswith("Phone 0300 123 1111")
    assert panel.rows["alcoholics-anonymous-gb"] is rows["alcoholics-anonymous-gb"]


def test_every_shipped_national_helpline_still_shows_for_each_need(window: MainWindow) -> None:
    window.context.vault = open_demo_vault()
    panel = panel_of(window)
    panel.refresh()
    answer(window, ALCOHOL_HIGH, under_mental_health_services=True, risk_to_self=True)
    offered = {s.id for s in panel._directory.values() if {"alcohol", "mental_health", "crisis"} & set(s.categories)}
    offered.discard("al-anon-uk")  # for people affected by someone else's drinking
    assert set(panel.rows) == offered and panel.more.isHidden()
