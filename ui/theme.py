"""The look: calm, high-contrast, large text and touch targets, and a focus ring you cannot miss.

Colours follow NHS identity guidance (NHS blue, dark text on white, a yellow focus highlight).
Bands always carry a word as well as a colour; the colours here only reinforce it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from app.paths import resources_dir

TEXT = "#212b32"
SECONDARY_TEXT = "#4c6272"
BACKGROUND = "#f0f4f5"
SURFACE = "#ffffff"
BORDER = "#aeb7bd"
NHS_BLUE = "#005eb8"
DARK_BLUE = "#003087"
FOCUS = "#ffeb3b"
WARNING_BG = "#fff4ce"
WARNING_TEXT = "#4d3800"
DEMO_BG = "#330072"
FOCUSED_FIELD = "#fffbd6"  # a text field being typed in: a pale yellow, so typed text keeps its full contrast
# Greyed menu items: lighter than TEXT, so clearly not available, yet still 4.5:1 on the menu, so readable.
DISABLED_TEXT = "#606d78"
SCROLL_TRACK = "#dde3e6"
ERROR = "#8a0d0d"

# Band id -> (background, text/border). Contrast of text on background is above 7:1 for each.
BAND_COLOURS: dict[str, tuple[str, str]] = {
    "low": ("#e3f1e6", "#00401e"),
    "moderate": ("#fff0c2", "#4d3800"),
    "high": ("#fbe0df", "#7a0a0a"),
    "use_reported": ("#e6e8f5", "#1d2a6b"),
}
UNKNOWN_BAND = ("#eef1f3", TEXT)
UNANSWERED_BAND = ("#ffffff", SECONDARY_TEXT)  # a block whose band is not settled yet: shown in italics

MIN_TOUCH = 48  # px; WCAG 2.5.5 asks for at least 44

def stylesheet() -> str:
    """The application stylesheet (it names an icon file, so it is built at run time)."""
    arrow = (resources_dir() / "icons" / "chevron-down.png").as_posix()
    return _STYLESHEET.replace("@ARROW@", arrow) + _band_rules()


def _band_rules() -> str:
    """Band labels of the result panel (``role="band"``), coloured by their ``band`` property.

    Theme rules rather than a stylesheet on each label: a widget's own stylesheet is parsed and
    cascaded for that widget alone, seven times over before the first paint. The selectors name the
    panel so that they outrank its transparent-label rule, as a label's own stylesheet did.
    """
    label = 'QFrame[role="panel"] QLabel[role="band"]'
    background, text = UNKNOWN_BAND
    rules = [
        f"{label} {{ background: {background}; color: {text}; border: 2px solid {text}; border-radius: 4px;"
        " padding: 2px 10px; font-weight: 700; font-style: normal; }"
    ]
    for band_id, (background, text) in (*BAND_COLOURS.items(), ("unanswered", UNANSWERED_BAND)):
        italic = " font-style: italic;" if band_id == "unanswered" else ""
        rules.append(
            f'{label}[band="{band_id}"] {{ background: {background}; color: {text}; border-color: {text};{italic} }}'
        )
    return "\n".join(rules) + "\n"


_STYLESHEET = f"""
QWidget {{ color: {TEXT}; font-size: 16px; placeholder-text-color: {SECONDARY_TEXT};
    selection-background-color: {NHS_BLUE}; selection-color: #ffffff; }}
QMainWindow, QScrollArea, QScrollArea > QWidget > QWidget {{ background: {BACKGROUND}; }}
QScrollBar:vertical {{ width: 16px; background: {SCROLL_TRACK}; margin: 0; }}
QScrollBar:horizontal {{ height: 16px; background: {SCROLL_TRACK}; margin: 0; }}
QScrollBar::handle {{ background: {SECONDARY_TEXT}; border-radius: 5px; margin: 2px; }}
QScrollBar::handle:hover {{ background: {TEXT}; }}
QScrollBar::handle:vertical {{ min-height: 48px; }}
QScrollBar::handle:horizontal {{ min-width: 48px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
QMenuBar::item:disabled, QMenu::item:disabled {{ color: {DISABLED_TEXT}; }}
QToolTip {{ color: {TEXT}; background: {SURFACE}; border: 1px solid {BORDER}; font-size: 15px; }}

QLabel[role="time-frame"] {{ font-size: 22px; font-weight: 600; }}
QLabel[role="help"] {{ color: {SECONDARY_TEXT}; font-size: 15px; }}
QLabel[role="block-title"] {{ font-size: 19px; font-weight: 700; color: {DARK_BLUE}; }}
QLabel[role="section-title"] {{ font-size: 19px; font-weight: 700; }}
QLabel[role="heading"] {{ font-size: 22px; font-weight: 700; color: {DARK_BLUE}; }}
QFrame#vault-card {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 6px; }}
QFrame#vault-card QLabel {{ background: transparent; }}
QFrame#vault-card QCheckBox {{ background: {SURFACE}; }}
QFrame#vault-card QCheckBox:focus {{ background: {FOCUS}; }}
/* Labels that take the keyboard so their text can be selected and copied: the recovery key, a users message. */
QLabel#recovery-key, QLabel#users-message {{ border: 3px solid transparent; border-radius: 4px; padding: 2px; }}
QLabel#recovery-key:focus, QLabel#users-message:focus {{ border-color: {TEXT}; background: {FOCUSED_FIELD}; }}
QLabel[role="question"] {{ font-size: 17px; }}
QLabel[role="field-error"] {{ color: {ERROR}; font-weight: 600; }}
QLabel[role="notice"] {{ background: {WARNING_BG}; color: {WARNING_TEXT}; border-left: 6px solid #b38600;
    padding: 8px 10px; font-weight: 600; }}
QLabel[role="pathway"] {{ background: #e8edf8; color: {DARK_BLUE}; border-left: 6px solid {NHS_BLUE};
    padding: 8px 10px; font-weight: 600; }}
QLabel[role="status"] {{ font-size: 16px; padding: 4px 0; }}
QLabel[role="demo-banner"] {{ background: {DEMO_BG}; color: #ffffff; font-weight: 700; padding: 6px 12px; }}

QFrame[role="block"], QFrame[role="panel"] {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 6px; }}
QFrame[role="block"] QLabel, QFrame[role="panel"] QLabel, QFrame[role="panel"] QCheckBox {{ background: transparent; }}

QFrame[role="question"] {{ background: {SURFACE}; border: 3px solid transparent; border-radius: 6px; }}
QFrame[role="question"]:focus {{ background: #fffbd6; border: 3px solid {TEXT}; }}
QFrame[role="question"][answered="false"] QLabel[role="question"] {{ font-weight: 600; }}

QPushButton {{ min-height: {MIN_TOUCH}px; min-width: 96px; padding: 0 16px; border: 2px solid {NHS_BLUE};
    border-radius: 6px; background: {SURFACE}; color: {NHS_BLUE}; font-weight: 600; }}
QPushButton[role="option"] {{ text-align: left; padding: 0 16px; }}
QPushButton:hover {{ background: #e8edf8; }}
QPushButton:checked {{ background: {NHS_BLUE}; color: #ffffff; }}
QPushButton[role="primary"] {{ background: #007f3b; border-color: #00401e; color: #ffffff; }}
QPushButton[role="primary"]:hover {{ background: #00662f; }}
QPushButton:focus {{ outline: none; border: 4px solid {TEXT}; background: {FOCUS}; color: {TEXT}; }}
QPushButton:disabled, QPushButton[role="primary"]:disabled {{ border-color: {BORDER}; background: #e8edee;
    color: {SECONDARY_TEXT}; }}

QToolButton#lock-button, QToolButton#sign-out-button {{ min-height: 36px; padding: 0 12px; margin: 2px 0;
    border: 2px solid {NHS_BLUE}; border-radius: 6px; background: {SURFACE}; color: {NHS_BLUE}; font-weight: 600; }}
QToolButton#lock-button:hover, QToolButton#sign-out-button:hover {{ background: #e8edf8; }}
QToolButton#lock-button:focus, QToolButton#sign-out-button:focus {{ border: 4px solid {TEXT}; background: {FOCUS};
    color: {TEXT}; }}

/* Focus thickens the border outwards into the margin: the text stays put, and a 2 px ring that was
   the background around the field turns dark (13:1), so focus shows even where the colour is not seen. */
QLineEdit, QComboBox, QPlainTextEdit {{ min-height: 40px; padding: 0 8px; margin: 2px;
    border: 2px solid {SECONDARY_TEXT}; border-radius: 4px; background: {SURFACE}; }}
QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus {{ margin: 0; border: 4px solid {TEXT};
    background: {FOCUSED_FIELD}; }}
QComboBox::drop-down {{ border: none; width: 32px; }}
QComboBox::down-arrow {{ image: url(@ARROW@); width: 14px; height: 14px; }}
QComboBox QAbstractItemView {{ background: {SURFACE}; selection-background-color: {NHS_BLUE};
    selection-color: #ffffff; }}
QLineEdit:disabled {{ background: #e8edee; border-color: {BORDER}; color: {SECONDARY_TEXT}; }}
QLineEdit[invalid="true"] {{ border-color: {ERROR}; }}
QLineEdit[invalid="true"]:focus {{ border-color: {TEXT}; }}
QCheckBox, QRadioButton {{ min-height: 40px; spacing: 10px; padding: 0 2px; border: 2px solid transparent;
    border-radius: 4px; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 26px; height: 26px; }}
/* The yellow alone is too pale against white to show focus; the dark outline around box and text is what shows. */
QCheckBox:focus, QRadioButton:focus {{ background: {FOCUS}; border-color: {TEXT}; }}

/* Lists, tables and document views: a dark ring when they hold the keyboard, grown outwards like a field's.
   Not a combo box's pop-up list, which always holds the keyboard while open. */
QListView, QTableView, QTreeView, QDialog QScrollArea {{ margin: 2px; border: 1px solid {SECONDARY_TEXT}; }}
QListView:focus, QTableView:focus, QTreeView:focus, QDialog QScrollArea:focus {{ margin: 0; border: 3px solid {TEXT}; }}
QComboBox QAbstractItemView, QComboBox QAbstractItemView:focus {{ margin: 0; border: 1px solid {BORDER}; }}
"""


STYLE = "fusion"
# Given to QApplication as "-style fusion": the style is then made once, when first needed; setting it
# afterwards makes the platform's default first and then re-initialises palettes and fonts (~5 ms at start).
STYLE_ARGUMENTS = ("-style", STYLE)


def apply_style(app: QApplication) -> None:
    """The widget style, the same on every platform. Set it before building widgets: later, it re-polishes them all."""
    if app.style().name().lower() != STYLE:
        app.setStyle(STYLE)


def apply_stylesheet(app: QApplication) -> None:
    """Colours, sizes and focus ring. Set it once the window is built: earlier, every widget parented is restyled."""
    app.setStyleSheet(stylesheet())
