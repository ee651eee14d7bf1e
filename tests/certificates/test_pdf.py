"""The certificate's PDF: the drawn default against its HTML model, long texts,
metadata, the QR code, and a course's own HTML template (ADR 0054).

No database: ``pdf.render_pdf`` works on a snapshot's values.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.template.loader import get_template
from django.test import override_settings
from django.utils import translation
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from certificates import pdf, pdf_drawn

CODE = "KENNEDY-7QX4-M2RT"
LONG_NAME = "María de los Ángeles Castañeda Núñez de Balboa y Piñeros Ñáñez Zúñiga"
LONG_COURSE = (
    "Formación en control social, veeduría ciudadana y presupuestos "
    "participativos para juntas de acción comunal de la localidad"
)


def _context(**changes: object) -> dict[str, object]:
    issued = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    return {
        "code": CODE,
        "holder_name": "Ana María Pérez Gómez",
        "document_type": "CC",
        "document_last_digits": "5678",
        "course_title": "Presupuestos participativos",
        "hours": Decimal("12.5"),
        "locality_name": "Kennedy",
        "issued_at": issued,
        "completed_at": issued,
        "verification_url": f"http://kennedy.test/certificados/verificar/{CODE}/",
        **changes,
    }


def _words(content: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(page.extract_text() for page in reader.pages).split()


def _html_default(context: dict[str, object]) -> bytes:
    with translation.override("es-co"):
        content = pdf.render_template_pdf(get_template(pdf.DEFAULT_TEMPLATE), context)
    assert content is not None
    return content


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"holder_name": LONG_NAME, "course_title": LONG_COURSE},
        {"document_type": "", "document_last_digits": "", "hours": Decimal("1")},
        {"locality_name": "Rafael Uribe Uribe", "hours": Decimal("0.5")},
    ],
)
def test_the_drawn_default_prints_the_words_of_the_html_template(changes):
    context = _context(**changes)
    drawn = pdf.render_pdf(course_key="sin-plantilla-propia", context=context)

    assert PdfReader(io.BytesIO(drawn)).metadata["/Producer"].startswith("ReportLab")
    assert _words(drawn) == _words(_html_default(context))


def test_the_drawn_default_is_spanish_titled_and_tagged_even_from_english():
    with translation.override("en"):
        content = pdf.render_pdf(course_key="sin-plantilla-propia", context=_context())

    reader = PdfReader(io.BytesIO(content))
    assert reader.metadata.title == f"Certificado {CODE}"
    assert reader.metadata.author == "IDPAC · Escuela de Participación"
    assert reader.metadata.creator == "IDPAC · Escuela de Participación"
    assert reader.trailer["/Root"]["/Lang"] == "es-CO"
    assert len(reader.pages) == 1
    assert [float(v) for v in reader.pages[0].mediabox] == [0, 0, 792, 612]
    text = reader.pages[0].extract_text()
    assert "completó el curso" in text
    assert "Intensidad: 12,5 horas · Localidad: Kennedy" in text
    assert "Bogotá, 20 de noviembre de 2026" in text


def _runs(content: bytes) -> list[tuple[str, float, float, float]]:
    """(text, left, right, baseline) of every text run of the first page."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            left = tm[4] + cm[4]
            width = stringWidth(text.strip(), font["/BaseFont"][1:], size)
            runs.append((text.strip(), left, left + width, tm[5] + cm[5]))

    PdfReader(io.BytesIO(content)).pages[0].extract_text(visitor_text=visit)
    return runs


@pytest.mark.parametrize(
    ("name", "course", "locality"),
    [
        (LONG_NAME, LONG_COURSE, "Kennedy"),
        # 300 characters, the field's length, accents and ñ, no space at all:
        # cut into pieces rather than run off the page.
        ("ÑandúÁngelZúñiga" * 19 + "ñ" * 4, "Curso", "Ciudad Bolívar"),
        (("Ñoño Peñaloza Ibáñez " * 15)[:300], "Título " * 42, "La Candelaria" * 9),
    ],
)
def test_long_texts_wrap_or_shrink_and_stay_on_the_page(name, course, locality):
    assert len(name) >= 60
    content = pdf.render_pdf(
        course_key="sin-plantilla-propia",
        context=_context(holder_name=name, course_title=course, locality_name=locality),
    )

    assert len(PdfReader(io.BytesIO(content)).pages) == 1
    runs = _runs(content)
    margin = pdf_drawn.MARGIN - 0.01
    for text, left, right, baseline in runs:
        assert left >= margin, text
        assert right <= pdf_drawn.PAGE_WIDTH - margin, text
        assert baseline >= margin, text
    printed = "".join(text for text, *_ in runs).replace(" ", "")
    assert name.replace(" ", "") in printed
    assert course.replace(" ", "") in printed


def test_a_long_name_keeps_its_size_while_two_lines_hold_it():
    size, lines = pdf_drawn.fit(LONG_NAME, pdf_drawn.NAME, pdf_drawn.CONTENT_WIDTH)

    assert (size, len(lines)) == (26, 2)
    assert " ".join(lines) == LONG_NAME


def test_the_qr_code_reads_as_the_verification_address():
    zxingcpp = pytest.importorskip("zxingcpp")
    content = pdf.render_pdf(course_key="sin-plantilla-propia", context=_context())

    (image,) = PdfReader(io.BytesIO(content)).pages[0].images
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))
    assert found.text == f"http://kennedy.test/certificados/verificar/{CODE}/"


def test_a_course_template_of_its_own_still_goes_through_xhtml2pdf(tmp_path, settings):
    folder = tmp_path / "certificates" / "pdf"
    folder.mkdir(parents=True)
    (folder / "curso-propio.html").write_text(
        "<html><body><p>Constancia propia para {{ holder_name }}</p>"
        '<img src="{{ qr }}" width="90" height="90"><p>{{ hours_text }} h</p>'
        "</body></html>",
        encoding="utf-8",
    )
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with override_settings(TEMPLATES=templates):
        content = pdf.render_pdf(course_key="curso-propio", context=_context())
        drawn = pdf.render_pdf(course_key="otro-curso", context=_context())

    reader = PdfReader(io.BytesIO(content))
    assert reader.metadata["/Producer"].startswith("xhtml2pdf")
    text = reader.pages[0].extract_text()
    assert "Constancia propia para Ana María Pérez Gómez" in text
    assert "12,5 h" in text
    assert "Constancia propia" not in " ".join(_words(drawn))
