"""The printable certificate: an HTML/CSS template rendered to PDF (internal).

Template lookup, first found wins, so trainers can adapt one course without
touching the others: ``certificates/pdf/<course_key>.html``, then
``certificates/pdf/default.html``. It is rendered in the platform's language
(``LANGUAGE_CODE``). The template receives the certificate snapshot
and a QR code (PNG data URI) pointing at the public verification page. xhtml2pdf
is pure Python (``make`` installs it; WeasyPrint would need system libraries).
"""

from __future__ import annotations

import io
from typing import Any

import segno
from django.conf import settings
from django.template.loader import select_template
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab import rl_config  # type: ignore[import-untyped]  # no stubs installed
from xhtml2pdf import pisa
from xhtml2pdf.context import pisaContext
from xhtml2pdf.parser import DEFAULT_CSS_SOURCE

from .documents import hours_text

# Streams (the QR image, the page) compressed only, not also ASCII85-encoded:
# reportlab (since 4.0) encodes ASCII85 in pure Python unless its C
# accelerator is installed, which cost about 1.5 ms of CPU per certificate
# here; binary streams are as valid in a PDF, and the file is 15 % smaller.
# Process-wide on purpose: any PDF this platform draws gains the same.
rl_config.useA85 = 0

# The QR's mask, fixed: segno's search for the best of the eight (the
# standard's penalty rules, in pure Python) was about 4 ms of CPU per
# certificate, two thirds of the QR. Any mask decodes the same on every
# reader; 2 is the one that search picked most often for verification
# addresses (about a third of them), and the code keeps its size and level.
QR_MASK = 2

# xhtml2pdf parses its own default stylesheet (about 2,900 characters) again
# for every document: about 4 ms of CPU per certificate. That text never
# changes in a process and has no at-rule (@page, @font-face, @import: the
# rules whose parsing changes the document's context), so its parsed form is
# kept and shared; the cascade only reads it. A template's own <style> is
# still parsed per document: its @page sets that document's page.
_parse_css_source = pisaContext._parseCSSSource
_default_sheets: dict[str, Any] = {}


def _parse_css_source_once(self: pisaContext, text: str, source_name: str) -> Any:
    if source_name != DEFAULT_CSS_SOURCE or "@" in text:
        return _parse_css_source(self, text, source_name)
    sheet = _default_sheets.get(text)
    if sheet is None:
        sheet = _default_sheets[text] = _parse_css_source(self, text, source_name)
    return sheet


pisaContext._parseCSSSource = _parse_css_source_once


class PdfError(RuntimeError):
    """The template could not be rendered to PDF."""


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m", mask=QR_MASK).png_data_uri(scale=5, border=2)


def render_pdf(*, course_key: str, context: dict[str, Any]) -> bytes:
    """PDF bytes of the certificate described by ``context`` (its snapshot)."""
    template = select_template(
        [f"certificates/pdf/{course_key}.html", "certificates/pdf/default.html"]
    )
    # A document of record: printed in the platform's language, whoever
    # (a worker, an admin browsing in English) renders it.
    with translation.override(settings.LANGUAGE_CODE):
        html = template.render(
            {
                **context,
                "hours_text": hours_text(context["hours"]),
                "qr": qr_data_uri(context["verification_url"]),
            }
        )
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise PdfError(
            _(
                "La plantilla del certificado no se pudo convertir a PDF; revise el "
                "HTML de la plantilla del curso %(course_key)s."
            )
            % {"course_key": course_key}
        )
    return out.getvalue()
