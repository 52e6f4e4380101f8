"""Print a ``Leaflet`` to PDF bytes in memory with ReportLab platypus: bilingual blocks, per-script fonts,
HarfBuzz shaping, right-to-left paragraphs and QR codes. Nothing is written to disk here.

Three ReportLab 5 behaviours shape this module:
- right-to-left lines need ReportLab's optional ``rlbidi``, which is not available here, so ``rtl_lines``
  breaks Arabic, Persian and Urdu paragraphs itself and hands ReportLab each line's words in display order
  (Noto Naskh Arabic and Noto Nastaliq Urdu carry digits, so numbers stay in the paragraph's font); Latin
  service facts go in their own left-to-right paragraphs;
- Chinese wraps per character (``wordWrap='CJK'``) but ReportLab hangs closing marks in the margin and
  knows only the Japanese ones, so ``cjk_lines`` breaks Chinese lines by the Chinese rules instead;
- ``setRise`` crashes on a shaped line that starts with a raised or lowered glyph, and loses track of the
  rise when two follow each other (both fixed below).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from typing import Any

from app.leaflets import LEAFLET_VERSION, actual_text, paragraphs, rtl_lines, shaped_words, synthetic_bold
from app.leaflets.content import DetailRow, Leaflet, Section, ServiceEntry, SubstanceAdvice, Text
from app.leaflets.fonts import CJK, LATIN, URDU, bold_face, coverage, font_name, is_rtl, language_font, register
from app.leaflets.paragraphs import new_paragraph
from app.leaflets.qr import qr_flowable
from app.leaflets.rtl_lines import base_level, rtl_paragraph
from app.leaflets.script_runs import ARABIC_SCRIPT, INDIC_SCRIPT, NBSP, markup

PAPER_SIZES = ("A4", "A5")
NHS_BLUE = "#005EB8"
GREY = "#4C6272"
CRISIS_RED = "#D5281B"
CRISIS_BACKGROUND = "#FDF1EF"
FOOT_LINE = 11.0  # pt: the line at each page's foot with the site, date and leaflet version
_LEADING = {"urdu": 2.3, "arabic": 1.75, "bengali": 1.55, "gurmukhi": 1.55, "gujarati": 1.55, "tamil": 1.55, CJK: 1.5}


def _covers(key: str, char: str) -> bool:
    return ord(char) in coverage(key)


@dataclass
class _Styles:
    """Paragraph styles for one leaflet language and paper size (made once per process: ``_styles``)."""

    language: str
    scale: float
    cache: dict[tuple[Any, ...], Any]

    @property
    def base(self) -> str:
        return language_font(self.language)

    def style(self, role: str, *, patient: bool) -> Any:
        key = (role, patient)
        if key not in self.cache:
            self.cache[key] = self._make(role, patient=patient)
        return self.cache[key]

    def bidi(self, role: str, *, patient: bool, right_to_left: bool) -> Any:
        """``style(role)`` for a paragraph that carries Arabic-script words: shaped, aligned by its direction."""
        from reportlab.lib.enums import TA_LEFT, TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        key = (role, patient, "bidi", right_to_left)
        if key not in self.cache:
            plain = self.style(role, patient=patient)
            self.cache[key] = ParagraphStyle(f"{plain.name}-bidi-{right_to_left}", parent=plain, shaping=1,
                                             alignment=TA_RIGHT if right_to_left else TA_LEFT)
        return self.cache[key]

    def shaped(self, role: str, *, patient: bool) -> Any:
        """``style(role)`` shaped by HarfBuzz, for a paragraph in a style that is not (English, Chinese) carrying
        Bengali, Gurmukhi, Gujarati or Tamil words typed into the directory."""
        from reportlab.lib.styles import ParagraphStyle

        key = (role, patient, "shaped")
        if key not in self.cache:
            plain = self.style(role, patient=patient)
            self.cache[key] = ParagraphStyle(f"{plain.name}-shaped", parent=plain, shaping=1)
        return self.cache[key]

    def _make(self, role: str, *, patient: bool) -> Any:
        from reportlab.lib import colors
        from reportlab.lib.enums import TA_LEFT, TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        size = {
            "title": 19.0,
            "heading": 13.5,
            "subheading": 11.0,
            "body": 10.5,
            "strong": 11.0,
            "label": 8.5,
            "small": 8.5,
            "name": 11.5,
            "phone": 12.5,
        }[role]
        if not patient:
            size = {"title": 13.0, "heading": 10.0, "subheading": 9.0, "body": 9.0, "strong": 9.0}.get(role, size)
        size *= self.scale
        base = self.base if patient else LATIN
        colour = {"title": NHS_BLUE, "heading": NHS_BLUE}.get(role, "#212B32")
        if not patient and self.language != "en":
            colour = GREY
        bold = role in ("title", "heading", "subheading", "strong", "name", "phone")
        options: dict[str, Any] = {
            "fontName": font_name(bold_face(base) if bold else base),
            "fontSize": size,
            "leading": size * _LEADING.get(base, 1.3),
            "textColor": colors.HexColor(colour),
            "alignment": TA_LEFT,
            "spaceAfter": size * (0.15 if patient and self.language != "en" else 0.45),
        }
        if base == "urdu":
            # Nastaliq rises and falls well beyond its line: keep it off the English above and below.
            compact = role in ("label", "small")
            options["spaceBefore"] = size * (0.5 if compact else 1.1)
            options["spaceAfter"] = size * (0.3 if compact else 0.6)
        if base != LATIN and base != CJK:
            options["shaping"] = 1
        if base == CJK:
            options["wordWrap"] = "CJK"
        if patient and is_rtl(self.language):
            options["alignment"] = TA_RIGHT  # words already in display order: ``rtl_lines``
        return ParagraphStyle(f"{self.language}-{role}-{patient}", **options)


@cache
def _styles(language: str, scale: float) -> _Styles:
    """The same style objects for every leaflet in a language and size: parsed paragraphs are cached by style."""
    return _Styles(language, scale, {})


class _Builder:
    def __init__(self, leaflet: Leaflet, paper: str) -> None:
        from reportlab.lib.pagesizes import A4, A5
        from reportlab.lib.units import mm

        self.leaflet = leaflet
        self.paper = paper
        self.pagesize = A4 if paper == "A4" else A5
        self.margin = (15 if paper == "A4" else 10) * mm
        self.mm = mm
        width = self.pagesize[0] - 2 * self.margin
        self.styles = _styles(leaflet.language, 1.0 if paper == "A4" else 0.88)
        self.width = width
        self.notice: list[tuple[Any, float]] = []

    # --- paragraphs -------------------------------------------------------------------------------
    def para(self, text: str, role: str, *, patient: bool, unbreakable: bool = False, bold: bool = False) -> Any:
        style = self.styles.style(role, patient=patient)
        base = self.styles.base if patient else LATIN
        # Run fonts are named explicitly, so a bold style is carried by <b> (mapped to the bold face where one exists).
        bold = bold or style.fontName == font_name(bold_face(base)) != font_name(base)
        if patient and is_rtl(self.leaflet.language):
            return rtl_paragraph(text.replace(" ", NBSP) if unbreakable else text, style, base=base, covers=_covers,
                                 bold=bold)
        if ARABIC_SCRIPT.search(text):
            # Arabic-script words in an English or other left-to-right paragraph (typed into the directory):
            # shaped, and ordered by the bidirectional algorithm from the text's own first letter. Never joined
            # into one unbreakable word: ReportLab shapes a word in one font, and these words change font.
            level = base_level(text)
            return rtl_paragraph(text, self.styles.bidi(role, patient=patient, right_to_left=bool(level)), base=base,
                                 covers=_covers, level=level, bold=bold)
        if not getattr(style, "shaping", 0) and INDIC_SCRIPT.search(text):
            # Unshaped, their vowel signs printed after the consonant they belong before: misspelt words.
            style = self.styles.shaped(role, patient=patient)
        return new_paragraph(markup(text, base=base, covers=_covers, unbreakable=unbreakable, bold=bold), style)

    def latin(self, text: str, role: str, *, unbreakable: bool = False, bold: bool = False) -> Any:
        return self.para(text, role, patient=False, unbreakable=unbreakable, bold=bold)

    def bilingual(self, text: Text, role: str) -> list[Any]:
        """The patient's language, then the English beneath it (only the English on an English leaflet)."""
        if not self.leaflet.bilingual:
            return [self.para(text.english, role, patient=False)]
        return [self.para(text.patient, role, patient=True), self.para(text.english, role, patient=False)]

    # --- blocks -----------------------------------------------------------------------------------
    def story(self) -> list[Any]:
        from reportlab.platypus import KeepTogether, Spacer

        leaflet = self.leaflet
        story: list[Any] = [*self.bilingual(leaflet.title, "title"), Spacer(1, 2 * self.mm)]
        story += self.bilingual(leaflet.intro, "body")
        for section in leaflet.sections:
            story.append(Spacer(1, 4 * self.mm))
            if section.kind == "crisis":
                story.append(KeepTogether(self.crisis(section)))
            else:
                story += self.section(section)
        story.append(Spacer(1, 5 * self.mm))
        story.append(_if_room(self.footer()))
        return story

    def heading(self, text: Text) -> list[Any]:
        from reportlab.platypus import HRFlowable

        return [
            *self.bilingual(text, "heading"),
            HRFlowable(width="100%", thickness=1.2, color=NHS_BLUE, spaceBefore=1, spaceAfter=2 * self.mm),
        ]

    def section(self, section: Section) -> list[Any]:
        from reportlab.platypus import Spacer

        head = self.heading(section.heading)
        for paragraph in section.paragraphs:
            head += self.bilingual(paragraph, "small")
        blocks: list[list[Any]] = [block for advice in section.advice for block in self.advice(advice)]
        blocks += [[self.service(entry), Spacer(1, 2.5 * self.mm)] for entry in section.services]
        if not blocks:
            return head
        # The heading never ends a page on its own: it keeps with its first block.
        return [_kept_whole(head + blocks[0])] + [_kept_whole(block) for block in blocks[1:]]

    def advice(self, advice: SubstanceAdvice) -> list[list[Any]]:
        """A substance's advice as blocks a page may end between: the substance and its risk together, then each
        piece of advice (a translation with its English). Kept whole, a tall block of Nastaliq or Tamil left
        half a page blank before it."""
        from reportlab.platypus import Spacer

        blocks = [self.bilingual(advice.substance, "subheading") + self.bilingual(advice.band, "body")]
        blocks += [self.bilingual(text, "body") for text in advice.advice]
        blocks[-1].append(Spacer(1, 2 * self.mm))
        return blocks

    def service(self, entry: ServiceEntry, *, crisis: bool = False, width: float | None = None) -> Any:
        from reportlab.platypus import Table, TableStyle

        width = width or self.width
        qr_size = (24 if self.paper == "A4" else 19) * self.mm
        pad = 2.5 * self.mm
        has_qr = bool(entry.website) and not crisis
        text_width = width - 2 * pad - (qr_size + pad if has_qr else 0)
        cell: list[Any] = [self.service_name(entry.name, text_width)]
        if entry.description is not None:
            cell += self.bilingual(entry.description, "body")
        elif entry.summary:
            cell.append(self.latin(entry.summary, "body"))
        if entry.rows:
            cell.append(self.details(entry.rows, text_width))
        row = [cell, self.qr(entry.website, qr_size)] if has_qr else [cell]
        widths = [text_width + 2 * pad, qr_size + pad] if has_qr else [width]
        table = Table([row], colWidths=widths, splitInRow=1)
        border = CRISIS_RED if crisis else "#AEB7BD"
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font_name(LATIN)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BOX", (0, 0), (-1, -1), 0.6, border),
                    ("LEFTPADDING", (0, 0), (-1, -1), pad),
                    ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                    ("TOPPADDING", (0, 0), (-1, -1), pad * 0.8),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.8),
                    *([("BACKGROUND", (0, 0), (-1, -1), "#FFFFFF")] if crisis else []),
                ]
            )
        )
        return table

    def service_name(self, name: str, width: float) -> Any:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        style = self.styles.style("name", patient=False)
        fits = stringWidth(name, style.fontName, style.fontSize) <= width
        return self.latin(name, "name", unbreakable=fits)

    def details(self, rows: tuple[DetailRow, ...], width: float) -> Any:
        from reportlab.platypus import Table, TableStyle

        label_width = (34 if self.paper == "A4" else 27) * self.mm
        data = []
        for row in rows:
            label = self.bilingual(row.label, "label")
            if row.translated is not None:
                value = self.bilingual(row.translated, "body")
            else:
                value = [self.value_para(row)]
            data.append([label, value])
        table = Table(data, colWidths=[label_width, width - label_width], splitInRow=1)  # a row taller than a page
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font_name(LATIN)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2 * self.mm),
                    # Nastaliq rises well above its line: with the usual 1 pt, Urdu labels touched the rule above.
                    ("TOPPADDING", (0, 0), (-1, -1), 3.5 if self.styles.base == URDU else 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                    ("LINEABOVE", (0, 1), (-1, -1), 0.3, "#D8DDE0"),
                ]
            )
        )
        return table

    def value_para(self, row: DetailRow) -> Any:
        if ARABIC_SCRIPT.search(f"{row.value} {row.note or ''}"):
            text = f"{row.value} ({row.note})" if row.note else row.value
            return self.para(text, "body", patient=False, unbreakable=row.unbreakable)
        style = self.styles.style("body", patient=False)
        body = markup(row.value, base=LATIN, covers=_covers, unbreakable=row.unbreakable, bold=row.unbreakable)
        if row.note:
            body += " " + markup(f"({row.note})", base=LATIN, covers=_covers)
        return new_paragraph(body, style)

    def qr(self, url: str, size: float) -> Any:
        return qr_flowable(url, size)

    def crisis(self, section: Section) -> list[Any]:
        from reportlab.platypus import Spacer, Table, TableStyle

        pad = 3 * self.mm
        inner: list[Any] = [*self.bilingual(section.heading, "heading")]
        for paragraph in section.paragraphs:
            inner += self.bilingual(paragraph, "strong")
        for entry in section.services:
            inner += [Spacer(1, 1.5 * self.mm), self.service(entry, crisis=True, width=self.width - 2 * pad)]
        box = Table([[inner]], colWidths=[self.width])
        box.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font_name(LATIN)),
                    ("BACKGROUND", (0, 0), (-1, -1), CRISIS_BACKGROUND),
                    ("BOX", (0, 0), (-1, -1), 1.5, CRISIS_RED),
                    ("LEFTPADDING", (0, 0), (-1, -1), pad),
                    ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                    ("TOPPADDING", (0, 0), (-1, -1), pad),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
                ]
            )
        )
        return [box]

    def footer(self) -> list[Any]:
        from reportlab.platypus import HRFlowable

        footer = self.leaflet.footer
        out: list[Any] = [HRFlowable(width="100%", thickness=0.6, color=GREY, spaceAfter=1.5 * self.mm)]
        if footer.site_name:
            out.append(self.latin(footer.site_name, "small", bold=True))
        out += self.bilingual(footer.date, "small")
        out += self.bilingual(footer.version, "small")
        return out

    def page_notice(self) -> list[tuple[Any, float]]:
        """The unreviewed-translation notice (patient's language above English) for the foot of every page,
        each paragraph with its height: a page may be read on its own. Empty for a reviewed language."""
        notice = self.leaflet.footer.unreviewed_notice
        if notice is None:
            return []
        return [(p, p.wrap(self.notice_width, self.pagesize[1])[1]) for p in self.bilingual(notice, "small")]

    @property
    def notice_width(self) -> float:
        return self.width  # the full width: the page number is on the foot line below it

    def foot_line(self, room: float) -> str:
        """Site, date and leaflet version on one line no wider than ``room``: a site name too long for it is
        shortened (it is printed whole at the leaflet's end); the date and version always stay whole."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        footer = self.leaflet.footer

        def line(site: str) -> str:
            return " · ".join(part for part in (site, footer.date.english, footer.version.english) if part)

        def shown(cut: str) -> str:
            return cut if cut == footer.site_name or not cut else cut + "…"

        cut = footer.site_name
        while cut and stringWidth(line(shown(cut)), font_name(LATIN), 8) > room:
            cut = cut[:-1].rstrip(" ,;·-")
        return line(shown(cut))

    def page_furniture(self, canvas: Any, doc: Any) -> None:
        """The foot of every page: site, date and leaflet version (a page may be read on its own, or
        separated from the rest), the page number and, under an unreviewed translation, the notice saying so."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        canvas.saveState()
        canvas.setFont(font_name(LATIN), 8)
        canvas.setFillColor(GREY)
        number = str(doc.page)
        room = self.width - stringWidth(number, font_name(LATIN), 8) - 4 * self.mm
        canvas.drawString(self.margin, self.margin * 0.5, self.foot_line(room))
        canvas.drawRightString(self.pagesize[0] - self.margin, self.margin * 0.5, number)
        y = self.margin * 0.5 + FOOT_LINE
        for paragraph, height in reversed(self.notice):
            paragraph.drawOn(canvas, self.margin, y)
            y += height
        canvas.restoreState()


def _kept_whole(flowables: list[Any]) -> Any:
    """``flowables`` kept on one page where they fit; taller than a whole page, they start where they are
    (once a quarter of the page is left), rather than leaving the rest of this page blank before them."""
    from reportlab.platypus import KeepTogether

    class KeptWhole(KeepTogether):  # type: ignore[misc]
        def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803 - ReportLab's names
            if getattr(self, "_wrapInfo", None) != (availWidth, availHeight):
                self.wrap(availWidth, availHeight)
            frame = getattr(self, "_frame", None)
            if frame is not None and self._H > frame._height and availHeight >= frame._height / 4:
                # The null action first, as KeepTogether does: ReportLab then lays each part out (and splits it)
                # as usual, instead of requiring the first part to fit here whole.
                return [self.NullActionFlowable(), *self._content]
            return super().split(availWidth, availHeight)  # type: ignore[no-any-return]

    return KeptWhole(flowables)


def _if_room(flowables: list[Any]) -> Any:
    """``flowables`` kept together on the page where they fit, or left out: a page of their own would hold
    only what the foot of every page already says (the leaflet's closing site, date and version)."""
    from reportlab.platypus import KeepTogether

    class IfRoom(KeepTogether):  # type: ignore[misc]
        def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803 - ReportLab's names
            if getattr(self, "_wrapInfo", None) != (availWidth, availHeight):
                self.wrap(availWidth, availHeight)
            return list(self._content) if self._H <= availHeight else [self.NullActionFlowable()]

    return IfRoom(flowables)


def render_pdf(leaflet: Leaflet, *, paper: str = "A4") -> bytes:
    """The leaflet as PDF bytes (fonts subset-embedded). Raises ``LeafletFontError`` naming a missing font.

    Args:
        leaflet: from ``content.build_leaflet``.
        paper: ``"A4"`` (default) or ``"A5"``.
    """
    from reportlab import rl_config
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    if paper not in PAPER_SIZES:
        raise ValueError(f"paper must be one of {PAPER_SIZES}, not {paper!r}")
    prepare_fonts(leaflet.language)
    builder = _Builder(leaflet, paper)
    builder.notice = builder.page_notice()
    notice_height = sum(height for _paragraph, height in builder.notice)
    buffer = io.BytesIO()
    bottom = builder.margin * 0.5 + FOOT_LINE + notice_height + 3 * builder.mm
    doc = BaseDocTemplate(
        buffer,
        pagesize=builder.pagesize,
        leftMargin=builder.margin,
        rightMargin=builder.margin,
        topMargin=builder.margin,
        bottomMargin=bottom,
        title="Signpost leaflet",
        subject=f"Leaflet version {LEAFLET_VERSION}",
        creator="Signpost",
        author="",
        lang=leaflet.language.replace("_", "-"),
        initialFontName=font_name(LATIN),
    )
    # No frame padding: the text, the service boxes and the notice at the foot of each page share one edge.
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="leaflet",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="leaflet", frames=[frame], onPage=builder.page_furniture)])
    # Page streams stay zlib-compressed but are not also ASCII85-encoded (ReportLab's default, done in pure
    # Python, 2-4 ms a leaflet, for a text-safe PDF nobody needs; the pages look the same). ReportLab reads
    # the setting as it writes the file, so it is set for this build only.
    a85 = rl_config.useA85
    rl_config.useA85 = 0
    try:
        doc.build(builder.story())
    finally:
        rl_config.useA85 = a85
    return buffer.getvalue()


def forget_text() -> None:
    """Empty the per-process caches of leaflet text: parsed paragraphs, shaped words, right-to-left lines and
    script-run markup.

    Fonts stay registered, catalogs loaded and QR codes drawn (one per directory website). The next leaflet
    then costs what one costs whose sentences have not been printed before in this process; ``bench/leaflet.py``
    times that.
    """
    paragraphs.clear()
    shaped_words.clear()
    rtl_lines.clear()
    markup.cache_clear()


def prepare_fonts(language: str) -> None:
    """Register the fonts a language's leaflet needs (once per process), the shaped-word cache, the
    ActualText spans of shaped words and synthetic bold."""
    register({LATIN, language_font(language)})  # and their bold faces
    _fix_rise()
    shaped_words.install()
    actual_text.install()
    synthetic_bold.install()


def _fix_rise() -> None:
    """Work around two ReportLab 5.1.0 faults in ``PDFTextObject.setRise``, which HarfBuzz's raised and lowered
    glyphs (common in Nastaliq) reach.

    - A shaped line starting with such a glyph calls ``setRise`` while the text object's code list is still
      empty, and ReportLab reads ``_code[-1]``: an IndexError. An empty entry first makes that read safe (it
      adds nothing to the PDF but a space).
    - When one rise follows another with nothing drawn between, ReportLab overwrites the first in the PDF but
      keeps the first as the rise it believes is in force; it then skips resetting the rise after the glyph,
      and the following words are drawn lifted ("ہم سے" with its second word floating above the line).
      Here the rise it records is always the one written.
    """
    from reportlab.lib.rl_accel import fp_str
    from reportlab.pdfgen.textobject import PDFTextObject

    if getattr(PDFTextObject.setRise, "signpost_fix", False):
        return

    def set_rise(self: Any, rise: float) -> None:
        operator = f"{fp_str(rise)} Ts"
        if self._code and self._code[-1].endswith(" Ts"):
            self._y += self._rise  # the rise replaced no longer applies
            self._code[-1] = operator
        else:
            if not self._code:
                self._code.append("")
            self._code.append(operator)
        self._rise = rise
        self._y -= rise

    set_rise.signpost_fix = True  # type: ignore[attr-defined]
    PDFTextObject.setRise = set_rise  # type: ignore[method-assign]
