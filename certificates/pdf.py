"""The printable certificate: which PDF a course gets, with its QR code (internal).

A course's own template wins, so trainers can adapt one course without
touching the others: ``certificates/pdf/<course_key>.html`` is rendered by
xhtml2pdf (``pdf_html``). Every other course gets the default certificate,
drawn directly with reportlab (``pdf_drawn``): the page of
``certificates/pdf/default.html``, which stays as the model to copy, without
xhtml2pdf's HTML and CSS work (more than half of an issue's CPU, ADR 0054).
Both are rendered in the platform's language (``LANGUAGE_CODE``) and carry a
QR code pointing at the public verification page.
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab import rl_config  # type: ignore[import-untyped]  # no stubs installed

from .documents import hours_text
from .pdf_drawn import draw_pdf
from .pdf_html import render_html_pdf

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
DEFAULT_TEMPLATE = "certificates/pdf/default.html"


class PdfError(RuntimeError):
    """The template could not be rendered to PDF."""


def qr_code(url: str) -> Any:
    return segno.make(url, error="m", mask=QR_MASK)


def qr_data_uri(url: str) -> str:
    return qr_code(url).png_data_uri(scale=5, border=2)


def course_template(course_key: str) -> Any | None:
    """The course's own HTML template, or None (the default is drawn)."""
    try:
        return get_template(f"certificates/pdf/{course_key}.html")
    except TemplateDoesNotExist:
        return None


def render_pdf(*, course_key: str, context: dict[str, Any]) -> bytes:
    """PDF bytes of the certificate described by ``context`` (its snapshot)."""
    template = course_template(course_key)
    # A document of record: printed in the platform's language, whoever
    # (a worker, an admin browsing in English) renders it.
    with translation.override(settings.LANGUAGE_CODE):
        if template is None:
            return draw_pdf(context, qr_code(context["verification_url"]))
        pdf = render_template_pdf(template, context)
    if pdf is None:
        raise PdfError(
            _(
                "La plantilla del certificado no se pudo convertir a PDF; revise el "
                "HTML de la plantilla del curso %(course_key)s."
            )
            % {"course_key": course_key}
        )
    return pdf


def render_template_pdf(template: Any, context: dict[str, Any]) -> bytes | None:
    """``template`` (HTML) through xhtml2pdf with the certificate's extras."""
    return render_html_pdf(
        template,
        {
            **context,
            "hours_text": hours_text(context["hours"]),
            "qr": qr_data_uri(context["verification_url"]),
        },
    )
