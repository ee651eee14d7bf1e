"""The default certificate drawn straight with reportlab (internal; see ``pdf``).

The same page as ``templates/certificates/pdf/default.html`` rendered by
xhtml2pdf (letter landscape, 1.4 cm margins, Helvetica, the same texts,
colours, sizes, line heights and spacing, the QR code, title and language),
without parsing HTML and CSS and laying out boxes for every certificate: that
was more than half of an issue's CPU (ADR 0054). The measures below are the
ones xhtml2pdf gave that template (its boxes' heights are 1.5 times the font size,
a baseline sits 0.782 times the size above its box's bottom); change the two
together, ``tests/certificates/test_pdf.py`` compares their texts.

Unlike the HTML page, no text runs off the page: the name, the course and the
locality's lines wrap, shrink down to a floor, and a word wider than the page
is cut (a 300-character name with no space still prints whole).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from PIL import Image
from reportlab.lib.colors import HexColor  # type: ignore[import-untyped]  # no stubs
from reportlab.lib.utils import ImageReader  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from .templatetags.certificate_text import hours_label, long_date

PAGE_WIDTH, PAGE_HEIGHT = 792.0, 612.0  # letter, landscape
MARGIN = 1.4 * 72 / 2.54  # 1.4 cm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
CENTRE = PAGE_WIDTH / 2
LANGUAGE = "es-CO"  # the <html lang> of the HTML template: a document of record

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
INK = HexColor("#1d2a3a")
GREY = HexColor("#55606e")
BLUE = HexColor("#0b4f8a")

LEADING = 1.5  # line height / font size, as xhtml2pdf laid the template out
BASELINE = 0.782  # baseline above a line box's bottom / font size
# The signature lines: two cells of half the width, 20 pt padding each side.
SIGNATURE_WIDTH = CONTENT_WIDTH / 2 - 40
SIGNATURE_CENTRES = (MARGIN + CONTENT_WIDTH / 4, MARGIN + 3 * CONTENT_WIDTH / 4)
QR_SIDE = 67.5  # 90 px
QR_COLUMN = 3.2 * 72 / 2.54  # 3.2 cm, then the verification text
QR_SCALE, QR_BORDER = 5, 2  # pixels per module, modules of quiet zone


@dataclass(frozen=True)
class Block:
    """A paragraph: its lines at one size, and the sizes it may shrink to.

    ``sizes`` are tried in order until the text fits in ``max_lines``; the
    last size takes as many lines as it needs. ``space_before`` and
    ``space_after`` are the HTML's margins (adjacent ones collapse: the larger
    counts, as in CSS).
    """

    font: str
    sizes: tuple[float, ...]
    colour: Any
    space_before: float
    space_after: float
    max_lines: int = 1


HEADER = Block(BOLD, (10,), GREY, 0, 0)
LOCALITY_MARK = Block(REGULAR, (10,), GREY, 0, 0, max_lines=2)
TITLE = Block(BOLD, (30,), BLUE, 18, 4)
LEAD = Block(REGULAR, (12,), INK, 0, 0, max_lines=2)
NAME = Block(BOLD, (26, 22, 18, 15, 12), INK, 10, 2, max_lines=2)
DOCUMENT = Block(REGULAR, (11,), GREY, 0, 10)
COURSE = Block(BOLD, (18, 15, 12, 10), INK, 4, 4, max_lines=3)
DETAIL = Block(REGULAR, (12, 10), INK, 2, 2, max_lines=2)
SIGNATURE = Block(REGULAR, (10, 8), INK, 0, 0, max_lines=2)
VERIFY = Block(REGULAR, (9,), GREY, 0, 0)
SIGNATURES_GAP = 34  # margin-top of the signatures' table
VERIFY_GAP = 16  # margin-top of the verification's table


def _split_word(word: str, font: str, size: float, width: float) -> list[str]:
    """A word wider than ``width`` in pieces that fit (a name with no spaces)."""
    pieces, piece = [], ""
    for char in word:
        if piece and stringWidth(piece + char, font, size) > width:
            pieces.append(piece)
            piece = char
        else:
            piece += char
    return [*pieces, piece]


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` in lines no wider than ``width``, broken at spaces first."""
    lines: list[str] = []
    line = ""
    space = stringWidth(" ", font, size)
    line_width = 0.0
    for word in text.split():
        word_width = stringWidth(word, font, size)
        if line and line_width + space + word_width <= width:
            line, line_width = f"{line} {word}", line_width + space + word_width
            continue
        if line:
            lines.append(line)
        if word_width > width:
            *whole, word = _split_word(word, font, size, width)
            lines.extend(whole)
            word_width = stringWidth(word, font, size)
        line, line_width = word, word_width
    return [*lines, line] if line else lines or [""]


def fit(text: str, block: Block, width: float) -> tuple[float, list[str]]:
    """The largest of the block's sizes at which ``text`` fits its lines."""
    for size in block.sizes:
        lines = wrap(text, block.font, size, width)
        if len(lines) <= block.max_lines:
            return size, lines
    return size, lines  # the floor: as many lines as it takes, none too wide


@dataclass(frozen=True)
class Texts:
    """Every text of one certificate, translated."""

    title: str
    locality_mark: str
    name: str
    document: str
    course: str
    detail: str
    date: str
    locality_signature: str
    url: str
    code_before: str
    code: str
    code_after: str


@dataclass(frozen=True)
class Fixed:
    """What every certificate prints the same (in one language), measured once."""

    header: str
    title: str
    lead: list[str]
    lead_size: float
    completed: str
    director: list[str]
    director_size: float
    verify: str


@lru_cache(maxsize=8)
def _fixed(language: str) -> Fixed:
    lead_size, lead = fit(
        _("El Instituto Distrital de la Participación y Acción Comunal certifica que"),
        LEAD,
        CONTENT_WIDTH,
    )
    director_size, director = fit(
        _("Dirección General · IDPAC"), SIGNATURE, SIGNATURE_WIDTH
    )
    return Fixed(
        header=_("IDPAC · Escuela de Participación"),
        title=_("Certificado"),
        lead=lead,
        lead_size=lead_size,
        completed=_("completó el curso"),
        director=director,
        director_size=director_size,
        verify=_("Verifique este certificado escaneando el código QR o en"),
    )


# The HTML template's «Código: <b>CODE</b>»: the same message (one translation
# for both), its bold part drawn bold.
_BOLD_PART = re.compile(r"^(.*)<b>(.*)</b>(.*)$", re.DOTALL)


def texts(context: dict[str, Any]) -> Texts:
    locality = context["locality_name"]
    document = ""
    if context.get("document_type") and context.get("document_last_digits"):
        document = _("%(type)s terminado en %(digits)s") % {
            "type": context["document_type"],
            "digits": context["document_last_digits"],
        }
    code_line = _("Código: <b>%(code)s</b>") % {"code": context["code"]}
    found = _BOLD_PART.match(code_line)
    before, code, after = found.groups() if found else (code_line, "", "")
    return Texts(
        title=_("Certificado %(code)s") % {"code": context["code"]},
        locality_mark=_("Alcaldía Local de %(locality_name)s")
        % {"locality_name": locality},
        name=context["holder_name"],
        document=document,
        course=context["course_title"],
        detail=_("Intensidad: %(hours)s · Localidad: %(locality_name)s")
        % {"hours": hours_label(context["hours"]), "locality_name": locality},
        date=_("Bogotá, %(date)s") % {"date": long_date(context["issued_at"])},
        locality_signature=_("Escuela de Participación · %(locality_name)s")
        % {"locality_name": locality},
        url=context["verification_url"],
        code_before=before,
        code=code,
        code_after=after,
    )


class _Page:
    """Draws top to bottom; ``top`` is the bottom of what was drawn last."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.top = PAGE_HEIGHT - MARGIN
        self.margin_above = 0.0  # the margin below the last block (collapses)

    def paragraph(self, block: Block, lines: list[str], size: float) -> None:
        leading = LEADING * size
        self.top -= max(self.margin_above, block.space_before)
        baseline = self.top - leading + BASELINE * size
        text = self.canvas.beginText()
        text.setFont(block.font, size, leading)
        text.setFillColor(block.colour)
        for line in lines:
            text.setTextOrigin(
                CENTRE - stringWidth(line, block.font, size) / 2, baseline
            )
            text.textOut(line)
            baseline -= leading
        self.canvas.drawText(text)
        self.top -= leading * len(lines)
        self.margin_above = block.space_after


def _header(canvas: Canvas, fixed: Fixed, mark: str) -> float:
    """The top marks; returns the bottom of their row."""
    half = CONTENT_WIDTH / 2
    size = HEADER.sizes[0]
    baseline = PAGE_HEIGHT - MARGIN - LEADING * size + BASELINE * size
    canvas.setFillColor(GREY)
    canvas.setFont(BOLD, size)
    canvas.drawString(MARGIN, baseline, fixed.header)
    mark_size, lines = fit(mark, LOCALITY_MARK, half)
    canvas.setFont(REGULAR, mark_size)
    for line in lines:
        canvas.drawRightString(PAGE_WIDTH - MARGIN, baseline, line)
        baseline -= LEADING * mark_size
    return PAGE_HEIGHT - MARGIN - max(LEADING * size, LEADING * mark_size * len(lines))


def _signatures(canvas: Canvas, fixed: Fixed, locality: str, top: float) -> float:
    """The two signature lines with their captions; returns their bottom."""
    size, lines = fit(locality, SIGNATURE, SIGNATURE_WIDTH)
    captions = ((fixed.director_size, fixed.director), (size, lines))
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.75)
    canvas.setFillColor(INK)
    # As the HTML placed them: the line (0.75 pt) at the table's top, 4 pt of
    # padding, then the caption's line boxes.
    line_y = top
    bottom = top
    for centre, (size, lines) in zip(SIGNATURE_CENTRES, captions, strict=True):
        half = SIGNATURE_WIDTH / 2
        canvas.line(centre - half, line_y, centre + half, line_y)
        baseline = line_y - 4.75 - (LEADING - BASELINE) * size
        canvas.setFont(REGULAR, size)
        for line in lines:
            canvas.drawCentredString(centre, baseline, line)
            baseline -= LEADING * size
        bottom = min(bottom, line_y - 4.75 - LEADING * size * len(lines))
    return bottom


def qr_image(qr: Any) -> ImageReader:
    """The QR code as a black-and-white image, 5 pixels a module, 2 of border.

    Built from segno's module matrix (no PNG written and read back).
    """
    side = len(qr.matrix) + 2 * QR_BORDER
    pixels = bytearray(b"\xff" * side * side)
    for row_index, row in enumerate(qr.matrix):
        start = (row_index + QR_BORDER) * side + QR_BORDER
        pixels[start : start + len(row)] = bytes(0 if dark else 255 for dark in row)
    image = Image.frombytes("L", (side, side), bytes(pixels))
    return ImageReader(image.resize((side * QR_SCALE,) * 2, Image.Resampling.NEAREST))


def _verification(
    canvas: Canvas, fixed: Fixed, texts: Texts, qr: Any, top: float
) -> None:
    """The QR code and, beside it, where and how to verify the certificate."""
    canvas.drawImage(qr_image(qr), MARGIN, top - QR_SIDE, QR_SIDE, QR_SIDE)
    size = VERIFY.sizes[0]
    leading = LEADING * size
    left = MARGIN + QR_COLUMN
    width = CONTENT_WIDTH - QR_COLUMN
    lines = [
        *wrap(fixed.verify, REGULAR, size, width),
        *wrap(texts.url, REGULAR, size, width),
    ]
    # The text centred on the code's height, as the HTML's middle alignment.
    count = len(lines) + 1
    baseline = top - (QR_SIDE - leading * count) / 2 - leading + BASELINE * size
    text = canvas.beginText()
    text.setFont(REGULAR, size, leading)
    text.setFillColor(GREY)
    text.setTextOrigin(left, baseline)
    for line in lines:
        text.textLine(line)
    text.textOut(texts.code_before)
    text.setFont(BOLD, size, leading)
    text.textOut(texts.code)
    text.setFont(REGULAR, size, leading)
    text.textOut(texts.code_after)
    canvas.drawText(text)


def draw_pdf(context: dict[str, Any], qr: Any) -> bytes:
    """The default certificate of ``context`` (the snapshot) as PDF bytes.

    ``qr`` is the segno code of the verification address. Rendered in the
    active language (the caller makes it the platform's).
    """
    fixed = _fixed(get_language() or "")
    words = texts(context)
    out = io.BytesIO()
    canvas = Canvas(
        out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1, lang=LANGUAGE
    )
    canvas.setTitle(words.title)
    canvas.setAuthor(_("IDPAC · Escuela de Participación"))
    # reportlab's default creator is «anonymous»: odd in a document of record.
    canvas.setCreator(_("IDPAC · Escuela de Participación"))
    canvas.setSubject(words.course)

    page = _Page(canvas)
    page.top = _header(canvas, fixed, words.locality_mark)
    page.paragraph(TITLE, [fixed.title], TITLE.sizes[0])
    page.paragraph(LEAD, fixed.lead, fixed.lead_size)
    page.paragraph(NAME, *_lines_and_size(words.name, NAME))
    if words.document:
        page.paragraph(DOCUMENT, [words.document], DOCUMENT.sizes[0])
    page.paragraph(LEAD, [fixed.completed], LEAD.sizes[0])
    page.paragraph(COURSE, *_lines_and_size(words.course, COURSE))
    page.paragraph(DETAIL, *_lines_and_size(words.detail, DETAIL))
    page.paragraph(DETAIL, *_lines_and_size(words.date, DETAIL))
    bottom = _signatures(
        canvas, fixed, words.locality_signature, page.top - SIGNATURES_GAP
    )
    _verification(canvas, fixed, words, qr, bottom - VERIFY_GAP)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _lines_and_size(text: str, block: Block) -> tuple[list[str], float]:
    size, lines = fit(text, block, CONTENT_WIDTH)
    return lines, size
