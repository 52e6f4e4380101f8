"""Bold drawn from a regular font: its glyphs filled and stroked with their own colour (PDF text render mode 2).

Used for the fonts ``fonts.SYNTHETIC_BOLD`` names (Chinese: WenQuanYi Micro Hei has no bold face). The stroke
thickens each outline by half its width on every side; the advance widths stay the regular font's, which is
what the lines were measured with. Copied text is unchanged: only how the glyphs are painted differs.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from app.leaflets.fonts import SYNTHETIC_BOLD, font_name

# Stroke width as a share of the font size: 0.03 em reads as bold without closing the counters of dense
# characters such as 機 or 醫 at body sizes.
STROKE_EM = 0.03


def install() -> None:
    """Draw text in a synthetic bold face stroked as well as filled (once per process)."""
    from reportlab.lib.rl_accel import fp_str
    from reportlab.pdfgen.textobject import PDFTextObject

    format_text = PDFTextObject._formatText
    if getattr(format_text, "signpost_synthetic_bold", False):
        return
    stroked = {font_name(key) for key in SYNTHETIC_BOLD}

    @wraps(format_text)  # keeps the marks of other wrappers, so none is installed twice
    def emboldened(self: Any, text: Any) -> str:
        code = format_text(self, text)
        if self._fontname not in stroked:
            return code
        canvas = self._canvas
        colour = getattr(self, "_fillColorObj", canvas._fillColorObj)
        # Stroke colour and line width are graphics state that outlasts the text object: set back afterwards to
        # what the canvas believes they are, so later lines and borders are drawn as ReportLab intends.
        return (f"2 Tr {fp_str(self._fontsize * STROKE_EM)} w {_stroke_colour(self, colour)} {code} "
                f"0 Tr {fp_str(canvas._lineWidth)} w {_stroke_colour(self, canvas._strokeColorObj)}")

    emboldened.signpost_synthetic_bold = True  # type: ignore[attr-defined]
    PDFTextObject._formatText = emboldened  # type: ignore[method-assign]


def _stroke_colour(text_object: Any, colour: Any) -> str:
    """The operators setting the stroke colour to ``colour``, as ReportLab writes them."""
    code, text_object._code = text_object._code, []
    try:
        text_object.setStrokeColor(colour)
        return " ".join(text_object._code)
    finally:
        text_object._code = code
