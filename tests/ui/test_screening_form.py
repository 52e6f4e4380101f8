"""The screening form driven as a practitioner would: by keyboard (and mouse), read back from the panel.

These tests read as the specification of the form: Y/N answer and move on, follow-ups appear only
under a Yes gate and their answers are discarded when it turns No, the panel shows score, band word
and action for every substance, and bad patient details get a message without losing anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from conftest import shown_with_keyboard
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetricsF
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.config import ActionApproval, Config, load_config
from app.instrument import find_pack
from app.records.draft import ScreeningDraft
from ui.app import make_context
from ui.main_window import MainWindow
from ui.screening.question import ChoiceQuestionRow
from ui.theme import BAND_COLOURS, MIN_TOUCH, apply_style, apply_stylesheet

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    # The offscreen platform always says this when a window is shown; it is not about our code.
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]

PACK = find_pack("assist-lite-2013")
GATES = [block.gate.id for block in PACK.blocks]


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[None]:
    apply_style(qapp)
    apply_stylesheet(qapp)
    yield
    qapp.setStyleSheet("")


def open_window(qtbot: QtBot, config: Config | None = None) -> MainWindow:
    return shown_with_keyboard(qtbot, MainWindow(make_context(config or load_config(), demo=True, data_dir=None)))


@pytest.fixture
def window(qtbot: QtBot, themed: None) -> MainWindow:
    return open_window(qtbot)


def press(qtbot: QtBot, keys: str | list[Qt.Key]) -> int:
    """Press keys on whatever has keyboard focus, as a user would; returns how many were pressed."""
    sequence = [getattr(Qt.Key, f"Key_{k}") for k in keys] if isinstance(keys, str) else keys
    for key in sequence:
        focused = QApplication.focusWidget()
        assert focused is not None, "nothing has keyboard focus"
        qtbot.keyClick(focused, key)
    return len(sequence)


def panel_text(window: MainWindow, kind: str, block_id: str) -> str:
    label = window.result_panel.findChild(QLabel, f"{kind}:{block_id}")
    assert label is not None
    return label.text() if label.isVisible() else ""


def focused_item(window: MainWindow) -> str | None:
    focused = QApplication.focusWidget()
    for item_id, row in window.form.rows.items():
        if focused is row or focused is row.focus_target():
            return item_id
    return None


def test_all_no_screening_by_keyboard_in_at_most_25_presses(qtbot: QtBot, window: MainWindow) -> None:
    assert focused_item(window) == "tobacco.use"  # the first question has the keyboard from the start
    presses = press(qtbot, "NNNNNNN")
    for block in PACK.blocks:
        assert panel_text(window, "score", block.id) == f"0 / {block.range[1]}"
        assert panel_text(window, "band", block.id) == "Low"
        assert panel_text(window, "action", block.id) == "Feedback and information"
    assert window.form.draft().answers == {gate: "no" for gate in GATES}
    assert window.form.result().complete
    assert QApplication.focusWidget() is window.save_button  # the last answer hands over to Save
    presses += press(qtbot, [Qt.Key.Key_Return])
    assert "not saved to a patient record" in window.status.text()
    assert presses <= 25


def test_mixed_answers_show_score_band_word_and_action(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, "YYN" + "YYYY" + "N" + "N" + "N" + "YYY" + "N")
    expected = {
        "tobacco": ("2 / 3", "Moderate", "Brief advice (FRAMES)"),
        "alcohol": ("4 / 4", "High", "Brief advice and offer of referral to specialist services"),
        "cannabis": ("0 / 3", "Low", "Feedback and information"),
        "stimulants": ("0 / 3", "Low", "Feedback and information"),
        "sedatives": ("0 / 3", "Low", "Feedback and information"),
        "opioids": ("3 / 3", "High", "Brief advice and offer of referral to specialist services"),
        "other": ("0 / 1", "Low", "Feedback and information"),
    }
    shown = {b: tuple(panel_text(window, k, b) for k in ("score", "band", "action")) for b in expected}
    assert shown == expected


def test_band_colour_always_comes_with_a_word(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, "YYY" + "YNNN")
    for block_id, word in (("tobacco", "High"), ("alcohol", "Low")):
        label = window.result_panel.findChild(QLabel, f"band:{block_id}")
        assert label.text() == word
        assert label.property("band") == word.lower()
        # Painted in the band's colours: a 2 px border in its text colour around its background.
        background, text = BAND_COLOURS[word.lower()]
        image = label.grab().toImage()
        assert image.pixelColor(image.width() // 2, 0) == QColor(text)
        assert image.pixelColor(4, image.height() // 2) == QColor(background)


def test_each_band_is_spoken_as_it_appears_or_changes(
    qtbot: QtBot, window: MainWindow, announcements: list[tuple[object, str]]
) -> None:
    # The panel is read, never tabbed to: a screen-reader user heard nothing of the result.
    press(qtbot, "YY")  # tobacco not complete yet: nothing to say
    assert [m for _source, m in announcements if "Tobacco" in m] == []
    press(qtbot, "Y")
    said = [m for source, m in announcements if source is window.result_panel]
    assert said == ["Tobacco: High, score 3 of 3. Brief advice and offer of referral to specialist services."]
    press(qtbot, "N")  # alcohol: no
    said = [m for source, m in announcements if source is window.result_panel]
    assert said[1:] == ["Alcohol: Low, score 0 of 4. Feedback and information."]
    window.result_panel.retranslate()  # as a language switch does
    assert len([m for source, m in announcements if source is window.result_panel]) == 2  # no change, no word


def test_a_band_settled_before_the_last_answer_is_shown_and_spoken_at_once(
    qtbot: QtBot, window: MainWindow, announcements: list[tuple[object, str]]
) -> None:
    # Before, a substance showed "not answered yet" until its last question, even when no answer could change it.
    press(qtbot, "YN")  # tobacco: used, not more than 10 a day; 1 or 2 whatever comes next: Moderate
    assert panel_text(window, "band", "tobacco") == "Moderate"
    assert panel_text(window, "score", "tobacco") == "1–2 / 3"  # the scores still reachable
    assert panel_text(window, "action", "tobacco") == "Brief advice (FRAMES)"
    assert "0 of 7" in window.result_panel.title.text()  # still not fully answered
    said = [m for source, m in announcements if source is window.result_panel]
    assert said == ["Tobacco: Moderate, score 1 to 2 of 3, not all answered yet. Brief advice (FRAMES)."]
    press(qtbot, "Y")
    assert (panel_text(window, "band", "tobacco"), panel_text(window, "score", "tobacco")) == ("Moderate", "2 / 3")
    assert "1 of 7" in window.result_panel.title.text()
    said = [m for source, m in announcements if source is window.result_panel]
    assert said[1:] == ["Tobacco: Moderate, score 2 of 3. Brief advice (FRAMES)."]  # finished: the final score


def test_a_band_withdrawn_by_a_changed_answer_is_spoken_but_not_a_cleared_form(
    qtbot: QtBot, window: MainWindow, announcements: list[tuple[object, str]]
) -> None:
    # A screen-reader user who had heard "Tobacco: Moderate" was never told when a corrected answer took it back.
    press(qtbot, "YN")
    window.form.set_draft(replace(window.form.draft(), answers={"tobacco.use": "yes"}))  # "more than 10" undone
    assert panel_text(window, "band", "tobacco") == "not answered yet"
    said = [m for source, m in announcements if source is window.result_panel]
    assert said[1:] == ["Tobacco: not answered yet."]
    press(qtbot, "N")  # "more than 10" again: Moderate again
    assert len([m for source, m in announcements if source is window.result_panel]) == 3
    window.form.set_draft(replace(window.form.draft(), answers={}))  # the only answers cleared: a withdrawal too
    assert [m for source, m in announcements if source is window.result_panel][3:] == ["Tobacco: not answered yet."]
    window.form.set_draft(replace(window.form.draft(), answers={"tobacco.use": "yes", "tobacco.more_than_10": "no"}))
    window.ask_before_discarding = False
    assert window.new_screening()  # the panel empties without a word per substance
    assert len([m for source, m in announcements if source is window.result_panel]) == 5


def test_the_identifier_starts_at_anonymous_and_down_goes_to_nhs_number(qtbot: QtBot, window: MainWindow) -> None:
    kind = window.form.patient.kind
    assert kind.currentData() == "anonymous"
    kind.setFocus()
    qtbot.keyClick(kind, Qt.Key.Key_Down)
    assert kind.currentData() == "nhs_number"


def test_a_screen_reader_hears_each_question_its_answer_or_how_to_answer_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    # The Yes/No buttons are not tabbed to, and the mental-health radios said only "Yes", "No", "Not known".
    row = window.form.rows["tobacco.use"]
    assert row.accessibleName() == row.item.text
    assert row.accessibleDescription() == "not answered: press Y for yes or N for no"
    press(qtbot, "Y")
    assert row.accessibleDescription() == "Yes"
    radios = window.form.patient.mental_health_buttons
    assert [r.text() for r in radios] == ["Yes", "No", "Not known"]
    assert {r.accessibleDescription() for r in radios} == {"Currently under mental-health services?"}
    # Named by their labels, not by the value chosen (Linux reads a combo box's value as its name).
    assert (window.form.patient.kind.accessibleName(), window.form.patient.setting.accessibleName()) == (
        "Identifier", "Setting")


def test_incomplete_blocks_say_not_answered_yet(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, "YY")  # tobacco gate and one of two follow-ups
    assert panel_text(window, "band", "tobacco") == "not answered yet"
    assert panel_text(window, "score", "tobacco") == "–"
    assert panel_text(window, "action", "tobacco") == ""
    assert panel_text(window, "band", "alcohol") == "not answered yet"
    assert "0 of 7" in window.result_panel.title.text()


def test_follow_ups_appear_under_yes_and_are_discarded_when_the_gate_turns_no(
    qtbot: QtBot, window: MainWindow
) -> None:
    follow_ups = ["tobacco.more_than_10", "tobacco.within_30_min"]
    assert all(window.form.rows[i].isHidden() for i in follow_ups)
    press(qtbot, "YYY")
    assert all(window.form.rows[i].isVisible() for i in follow_ups)
    assert window.form.draft().answers == {
        "tobacco.use": "yes", "tobacco.more_than_10": "yes", "tobacco.within_30_min": "yes"
    }
    press(qtbot, [Qt.Key.Key_Up, Qt.Key.Key_Up, Qt.Key.Key_Up])
    assert focused_item(window) == "tobacco.use"
    press(qtbot, "N")
    assert all(window.form.rows[i].isHidden() for i in follow_ups)
    assert window.form.draft().answers == {"tobacco.use": "no"}
    assert focused_item(window) == "alcohol.use"
    press(qtbot, [Qt.Key.Key_Up])
    press(qtbot, "Y")  # back to Yes: the follow-ups return empty, not with their old answers
    assert [window.form.rows[i].value() for i in follow_ups] == [None, None]
    assert window.form.draft().answers == {"tobacco.use": "yes"}


def test_escape_clears_the_answer_then_steps_back(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, "N")
    assert focused_item(window) == "alcohol.use"
    press(qtbot, "Y")
    press(qtbot, [Qt.Key.Key_Up])
    assert focused_item(window) == "alcohol.use"
    press(qtbot, [Qt.Key.Key_Escape])
    assert window.form.draft().answers == {"tobacco.use": "no"}  # cleared, follow-ups gone with it
    assert window.form.rows["alcohol.more_than_4"].isHidden()
    press(qtbot, [Qt.Key.Key_Escape])
    assert focused_item(window) == "tobacco.use"


def test_enter_and_tab_move_on_without_answering(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, [Qt.Key.Key_Return])
    assert focused_item(window) == "alcohol.use"
    press(qtbot, [Qt.Key.Key_Tab])
    assert focused_item(window) == "cannabis.use"
    press(qtbot, [Qt.Key.Key_Backtab])
    assert focused_item(window) == "alcohol.use"
    assert window.form.draft().answers == {}


def test_other_substance_yes_asks_what_and_keeps_the_text(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, "NNNNNN")
    assert window.form.rows["other.what"].isHidden()
    press(qtbot, "Y")
    assert focused_item(window) == "other.what"
    qtbot.keyClicks(QApplication.focusWidget(), "nitrous oxide")
    assert window.form.draft().answers["other.what"] == "nitrous oxide"
    assert panel_text(window, "band", "other") == "Use reported: discuss"
    assert panel_text(window, "score", "other") == "1 / 1"
    press(qtbot, [Qt.Key.Key_Return])
    assert QApplication.focusWidget() is window.save_button
    window.form.rows["other.use"].setFocus()
    press(qtbot, "N")
    assert "other.what" not in window.form.draft().answers


def test_text_longer_than_a_record_keeps_is_kept_on_screen_and_named(qtbot: QtBot, window: MainWindow) -> None:
    # The field used to stop taking characters at 200, silently: the rest of what was typed was lost.
    press(qtbot, "NNNNNNY")
    typed = "ketamine, " * 25  # 250 characters
    qtbot.keyClicks(QApplication.focusWidget(), typed)
    row = window.form.rows["other.what"]
    assert row.edit.text() == typed and window.form.draft().answers["other.what"] == typed.strip()
    assert row.message.isVisible() and "has 249 characters; a record keeps at most 200" in row.message.text()
    assert any("a record keeps at most 200" in problem for problem in window.form.problems())  # Save says it
    row.edit.setText(typed[:100])
    row.edit.textEdited.emit(typed[:100])
    assert not row.message.isVisible() and not any("at most 200" in p for p in window.form.problems())


def test_mouse_clicks_answer_too(qtbot: QtBot, window: MainWindow) -> None:
    row = window.form.rows["alcohol.use"]
    assert isinstance(row, ChoiceQuestionRow)
    qtbot.mouseClick(row.buttons["yes"], Qt.MouseButton.LeftButton)
    assert window.form.draft().answers == {"alcohol.use": "yes"}
    assert row.buttons["yes"].isChecked() and not row.buttons["no"].isChecked()
    qtbot.mouseClick(row.buttons["yes"], Qt.MouseButton.LeftButton)  # a second click keeps the answer
    assert row.buttons["yes"].isChecked()
    assert window.form.draft().answers == {"alcohol.use": "yes"}


def test_answer_buttons_are_large_touch_targets(window: MainWindow) -> None:
    row = window.form.rows["tobacco.use"]
    assert isinstance(row, ChoiceQuestionRow)
    for button in (*row.buttons.values(), window.save_button, window.new_button):
        assert button.height() >= max(MIN_TOUCH, 44) and button.width() >= 44


def test_focused_question_has_a_visible_focus_ring(qtbot: QtBot, window: MainWindow) -> None:
    row = window.form.rows["tobacco.use"]
    assert row.hasFocus()
    unfocused = window.form.rows["alcohol.use"]
    focused_image = row.grab().toImage()
    unfocused_image = unfocused.grab().toImage()
    # The ring is a dark border where an unfocused row has none.
    assert focused_image.pixelColor(1, row.height() // 2).lightness() < 80
    assert unfocused_image.pixelColor(1, unfocused.height() // 2).lightness() > 200


def test_time_frame_heading_comes_from_the_pack(window: MainWindow) -> None:
    assert window.form.time_frame.text() == PACK.time_frame
    titles = [frame.title.text() for frame in window.form.blocks]
    assert titles == [block.label for block in PACK.blocks]


def test_co_occurring_pathway_when_under_mental_health_services_and_moderate_or_high(
    qtbot: QtBot, window: MainWindow
) -> None:
    press(qtbot, "NYYNN")  # alcohol 3: high
    pathway = window.result_panel.pathway
    assert not pathway.isVisible()
    window.form.patient.mental_health_buttons[0].click()  # Yes
    assert pathway.isVisible()
    assert pathway.text().startswith("Co-occurring pathway")
    window.form.patient.mental_health_buttons[2].click()  # Not known
    assert not pathway.isVisible()


def test_use_reported_alone_is_not_the_co_occurring_pathway(qtbot: QtBot, window: MainWindow) -> None:
    window.form.patient.mental_health_buttons[0].click()
    press(qtbot, "NNNNNNY")
    assert not window.result_panel.pathway.isVisible()


def test_approval_notice_until_a_clinical_lead_approves(qtbot: QtBot, themed: None) -> None:
    window = open_window(qtbot)
    notice = window.result_panel.notice
    assert notice.isVisible() and notice.text() == "Action mapping not yet approved by a clinical lead"
    # Above the actions it qualifies: below them, a small screen (1366x768 at 150 %) scrolled it out of sight.
    first = window.result_panel.substances["tobacco"].name  # the first substance, its action under it
    assert notice.mapTo(window, notice.rect().bottomLeft()).y() < first.mapTo(window, first.rect().topLeft()).y()
    import datetime as dt

    approved = Config(action_approval=ActionApproval("Dr A Lead", "Clinical lead, ED", dt.date(2026, 11, 1), "1"))
    approved_window = open_window(qtbot, approved)
    # Who approved it, in what role and when, is shown (the spec asks for it), as plain help text.
    shown = approved_window.result_panel.notice
    assert shown.isVisible() and shown.property("role") == "help"
    assert shown.text() == "Action mapping (version 1) approved by Dr A Lead, Clinical lead, ED, on 01/11/2026."


def test_draft_changed_reports_every_change_including_mental_health_and_risk(
    qtbot: QtBot, window: MainWindow
) -> None:
    seen: list[ScreeningDraft] = []
    window.form.draft_changed.connect(seen.append)
    press(qtbot, "N")
    window.form.patient.mental_health_buttons[1].click()
    window.form.patient.risk_to_self.click()
    assert [d.answers for d in seen[:1]] == [{"tobacco.use": "no"}]
    assert seen[-1].under_mental_health_services is False
    assert seen[-1].risk_to_self is True


def test_set_draft_restores_answers_and_patient_details(qtbot: QtBot, window: MainWindow) -> None:
    import datetime as dt

    draft = ScreeningDraft(
        PACK.id,
        PACK.version,
        answers={"tobacco.use": "yes", "tobacco.more_than_10": "yes", "alcohol.use": "no"},
        identifier_kind="nhs_number",
        identifier="9434765919",
        date_of_birth=dt.date(1984, 1, 31),
        setting="ambulance",
        under_mental_health_services=True,
        risk_to_self=True,
    )
    window.form.set_draft(draft)
    assert window.form.draft() == draft
    assert window.form.patient.identifier.edit.text() == "943 476 5919"
    assert window.form.patient.date_of_birth.edit.text() == "31/01/1984"
    assert window.form.rows["tobacco.within_30_min"].isVisible()
    assert panel_text(window, "band", "tobacco") == "not answered yet"


# --- patient details ----------------------------------------------------------------------------


def type_identifier(qtbot: QtBot, window: MainWindow, kind: str, text: str) -> None:
    patient = window.form.patient
    patient.kind.setCurrentIndex(patient.kind.findData(kind))
    patient.identifier.edit.setFocus()
    qtbot.keyClicks(patient.identifier.edit, text)
    press(qtbot, [Qt.Key.Key_Tab])  # leaving the field checks it


def test_valid_nhs_number_is_grouped_and_stored_as_digits(qtbot: QtBot, window: MainWindow) -> None:
    type_identifier(qtbot, window, "nhs_number", "9434765919")
    patient = window.form.patient
    assert patient.identifier.edit.text() == "943 476 5919"
    assert not patient.identifier.message.isVisible()
    draft = window.form.draft()
    assert (draft.identifier_kind, draft.identifier) == ("nhs_number", "9434765919")
    assert patient.problems() == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("943 476 5918", "check digit does not match"),
        ("943 476 591", "has 10 digits; this has 9"),
        ("100 000 0010", "not a valid NHS number"),
    ],
)
def test_bad_nhs_number_says_why_and_keeps_what_was_typed(
    qtbot: QtBot, window: MainWindow, typed: str, message: str
) -> None:
    press(qtbot, "NN")
    type_identifier(qtbot, window, "nhs_number", typed)
    patient = window.form.patient
    assert patient.identifier.message.isVisible()
    assert message in patient.identifier.message.text()
    assert patient.identifier.edit.text() == typed  # nothing lost
    assert window.form.draft().identifier == typed
    assert window.form.draft().answers == {"tobacco.use": "no", "alcohol.use": "no"}
    assert any(message in p for p in window.form.problems())


def test_nhs_message_clears_as_soon_as_the_number_is_right(qtbot: QtBot, window: MainWindow) -> None:
    type_identifier(qtbot, window, "nhs_number", "943 476 5918")
    edit = window.form.patient.identifier.edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    assert window.form.patient.identifier.message.isVisible()
    qtbot.keyClicks(edit, "9")
    assert not window.form.patient.identifier.message.isVisible()


def test_local_number_and_anonymous(qtbot: QtBot, window: MainWindow) -> None:
    type_identifier(qtbot, window, "local_number", "R" * 64)  # all of it stays, and the count is the true one
    assert window.form.patient.identifier.edit.text() == "R" * 64
    assert "at most 20 characters; this has 64" in " ".join(window.form.problems())
    window.form.patient.identifier.edit.clear()
    type_identifier(qtbot, window, "local_number", "RX1-0042")
    assert window.form.draft().identifier == "RX1-0042"
    patient = window.form.patient
    patient.kind.setCurrentIndex(patient.kind.findData("anonymous"))
    assert not patient.identifier.edit.isEnabled()
    assert (window.form.draft().identifier_kind, window.form.draft().identifier) == ("anonymous", "")
    assert patient.identifier.edit.text() == "RX1-0042"  # kept on screen in case it was a slip


def test_date_of_birth_in_the_future_is_refused_with_a_message(qtbot: QtBot, window: MainWindow) -> None:
    patient = window.form.patient
    patient.date_of_birth.edit.setFocus()
    qtbot.keyClicks(patient.date_of_birth.edit, "01/01/2999")
    press(qtbot, [Qt.Key.Key_Tab])
    assert "cannot be in the future" in patient.date_of_birth.message.text()
    assert patient.date_of_birth.message.isVisible()
    assert window.form.draft().date_of_birth is None
    assert patient.date_of_birth.edit.text() == "01/01/2999"


def test_setting_choices(window: MainWindow) -> None:
    setting = window.form.patient.setting
    assert [setting.itemData(i) for i in range(setting.count())] == ["", "ed", "ambulance", "ward", "other"]
    setting.setCurrentIndex(setting.findData("ward"))
    assert window.form.draft().setting == "ward"


def test_keyboard_never_gets_stuck_on_a_hidden_question(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, "Y")
    window.form.rows["tobacco.within_30_min"].setFocus()
    window.form.rows["tobacco.use"].buttons["no"].click()
    focused = QApplication.focusWidget()
    assert isinstance(focused, QWidget) and focused.isVisible()


# --- a UK-shaped pack: the form is built from the pack, including single-choice items -------------


def test_uk_shaped_pack_with_choice_items_by_keyboard(qtbot: QtBot, themed: None) -> None:
    from pathlib import Path

    from conftest import TEST_DATA

    from app.instrument import load_pack

    uk = load_pack(Path(TEST_DATA) / "uk-shaped-test-pack.json")
    window = shown_with_keyboard(qtbot, MainWindow(make_context(load_config(), demo=True, data_dir=None), pack=uk))
    assert window.form.time_frame.text() == "In the last three months:"
    assert "1–9 = option" in window.form.keys_help.text()
    press(qtbot, "NY")  # tobacco no; alcohol gate yes (worth 0 in this pack)
    assert focused_item(window) == "alcohol.frequency"
    press(qtbot, [Qt.Key.Key_5, Qt.Key.Key_3, Qt.Key.Key_1])  # options worth 4, 2 and 0
    assert window.form.draft().answers == {
        "tobacco.use": "no", "alcohol.use": "yes", "alcohol.frequency": "o4", "alcohol.typical": "o2",
        "alcohol.six_or_more": "o0",
    }
    assert panel_text(window, "score", "alcohol") == "6 / 12"
    assert panel_text(window, "band", "alcohol") == "Moderate"
    press(qtbot, [Qt.Key.Key_Up])
    press(qtbot, "Y")  # Y is not an answer to a choice item: nothing changes
    assert window.form.draft().answers["alcohol.six_or_more"] == "o0"
    row = window.form.rows["alcohol.frequency"]
    assert isinstance(row, ChoiceQuestionRow)
    for button in row.buttons.values():
        assert button.text().startswith("[TEST TEXT")  # the pack's own wording, untouched
        assert button.geometry().right() <= row.width() and button.height() >= 44


def test_unanswered_questions_read_bold_answered_ones_do_not(qtbot: QtBot, window: MainWindow) -> None:
    tobacco = window.form.rows["tobacco.use"]
    alcohol = window.form.rows["alcohol.use"]
    press(qtbot, "N")
    assert tobacco.findChild(QLabel).font().bold() is False
    assert alcohol.findChild(QLabel).font().bold() is True


def test_key_help_names_only_the_keys_this_instrument_uses(window: MainWindow) -> None:
    text = window.form.keys_help.text()
    assert "Y = Yes, N = No" in text and "Esc = clear this answer" in text
    assert "1–9" not in text  # the 2013 pack has no multiple-choice items


def test_help_keyboard_keys_names_the_window_shortcuts_too(qtbot: QtBot, window: MainWindow) -> None:
    """Help ▸ Keyboard keys gave the form's keys only: not Save, New screening, Quit or Lock."""
    from PySide6.QtWidgets import QMessageBox
    from test_unlock import note_and_press, when_modal

    seen: list[str] = []
    when_modal(qtbot, note_and_press(seen, QMessageBox.StandardButton.Ok))
    window.keys_action.trigger()
    assert seen and seen[0].startswith(window.form.keys_help.text())
    assert seen[0].endswith(
        "Ctrl+S = save · Ctrl+N = new screening · Ctrl+Q = quit · Ctrl+L = lock, from any window of Signpost"
    )


def test_a_follow_up_that_appears_below_the_fold_is_scrolled_into_view(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(1320, 860)  # the size on a ward screen: the new row lands just below the fold
    qtbot.wait(50)
    press(qtbot, "YYN" + "YYYN" + "N" + "YNY" + "N" + "N" + "Y")
    assert focused_item(window) == "other.what"
    field = QApplication.focusWidget()
    viewport = window.form_scroll.viewport()

    def field_in_view() -> bool:
        top = field.mapTo(viewport, field.rect().topLeft()).y()
        return 0 <= top and top + field.height() <= viewport.height()

    qtbot.waitUntil(field_in_view, timeout=2000)


def test_the_form_fits_a_1024_pixel_screen_without_cutting_off_questions(qtbot: QtBot, themed: None) -> None:
    window = open_window(qtbot)
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024)
    QApplication.processEvents()
    assert window.form_scroll.horizontalScrollBar().maximum() == 0  # nothing to the side to scroll to
    assert window.form.width() <= window.form_scroll.viewport().width()



@pytest.mark.parametrize("width", [891, 1000, 1320])
def test_every_band_word_is_shown_whole(qtbot: QtBot, window: MainWindow, width: int) -> None:
    # At 1024x768 "Use reported: discuss" was cut to "Jse reported: discus": the badge cannot go below its word.
    window.resize(width, 740)
    qtbot.waitUntil(lambda: window.width() == width)
    press(qtbot, "YYY" + "N" * 5 + "Y")  # tobacco high; the others low; other substances: use reported
    QApplication.processEvents()
    for block in ("tobacco", "alcohol", "other"):
        band = window.result_panel.findChild(QLabel, f"band:{block}")
        assert band is not None and band.text() != "not answered yet"
        room = band.contentsRect().width()
        metrics = QFontMetricsF(band.font())
        pieces = band.text().split() if band.wordWrap() else [band.text()]  # what must fit across
        assert all(metrics.horizontalAdvance(piece) <= room for piece in pieces), (block, room)
        assert band.height() >= band.heightForWidth(band.width()), block  # every line of it
    other = window.result_panel.findChild(QLabel, "band:other")
    if width >= 1320:  # room for the whole word on one line: it gets it
        assert other.contentsRect().width() >= QFontMetricsF(other.font()).horizontalAdvance(other.text())

def _beside(first: QWidget, second: QWidget) -> bool:
    """Whether two widgets share a line (their vertical spans overlap) rather than one sitting under the other."""
    a, b = first.geometry(), second.geometry()
    a.moveTopLeft(first.parentWidget().mapTo(first.window(), a.topLeft()))
    b.moveTopLeft(second.parentWidget().mapTo(second.window(), b.topLeft()))
    return a.top() < b.bottom() and b.top() < a.bottom()


def test_a_narrow_window_stacks_the_fields_and_answers_instead_of_scrolling_sideways(
    qtbot: QtBot, window: MainWindow
) -> None:
    # A 1366x768 screen at 150 % is 911x512 in the window's units: a maximised window is 891 wide, as here.
    patient = window.form.patient
    row = window.form.rows["tobacco.use"]
    assert isinstance(row, ChoiceQuestionRow)
    qtbot.keyClick(row, Qt.Key.Key_Y)  # its follow-ups show too
    window.resize(1320, 760)
    assert row.label is not None
    qtbot.waitUntil(lambda: _beside(patient.kind, patient.identifier.edit) and _beside(row.label, row.buttons["yes"]))

    window.resize(891, 472)
    qtbot.waitUntil(lambda: window.width() == 891 and not _beside(patient.kind, patient.identifier.edit))
    QApplication.processEvents()
    assert window.form_scroll.horizontalScrollBar().maximum() == 0  # nothing to the side to scroll to
    assert patient.kind.geometry().bottom() < patient.identifier_label.geometry().top()  # label over its field
    for item_id in ("tobacco.use", "tobacco.more_than_10", "tobacco.within_30_min"):
        shown = window.form.rows[item_id]
        assert isinstance(shown, ChoiceQuestionRow) and shown.label is not None
        assert not _beside(shown.label, shown.buttons["yes"]), item_id
        assert shown.buttons["yes"].height() >= MIN_TOUCH
        assert shown.buttons["no"].geometry().right() <= shown.contentsRect().right()

    window.resize(1320, 760)  # and back, side by side again
    qtbot.waitUntil(lambda: _beside(patient.kind, patient.identifier.edit) and _beside(row.label, row.buttons["yes"]))


@pytest.mark.parametrize("width", [891, 1073, 1320])  # maximised at 150 % and 125 % on 1366x768, and at 100 %
def test_placeholders_that_show_a_format_are_shown_whole(qtbot: QtBot, window: MainWindow, width: int) -> None:
    patient = window.form.patient
    patient.kind.setCurrentIndex(patient.kind.findData("nhs_number"))
    window.resize(width, 560)
    qtbot.waitUntil(lambda: window.width() == width)
    QApplication.processEvents()
    shown = ((patient.date_of_birth.edit, "DD/MM/YYYY"), (patient.identifier.edit, "e.g. 943 476 5919"))
    for edit, placeholder in shown:
        assert edit.placeholderText() == placeholder
        frame = edit.minimumSizeHint().width() - edit.fontMetrics().maxWidth()
        # Room to spare over the unrounded width: a rounded one left a pixel short at 125 %, and Qt cut it.
        assert edit.width() - frame > QFontMetricsF(edit.font()).horizontalAdvance(placeholder), placeholder


def test_fields_holding_patient_data_ask_input_methods_not_to_keep_what_is_typed(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Unmarked, a predictive keyboard (the Windows touch keyboard, IBus, Fcitx) may learn an NHS number into its
    dictionary on disk and offer it to the next user of the ward PC."""
    press(qtbot, "NNNNNNY")
    other = QApplication.focusWidget()
    assert focused_item(window) == "other.what"
    sensitive = Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText
    for field in (window.form.patient.identifier.edit, window.form.patient.date_of_birth.edit, other):
        assert field.inputMethodHints() & sensitive == sensitive, field.objectName()
        assert field.inputMethodQuery(Qt.InputMethodQuery.ImHints) & sensitive.value == sensitive.value
