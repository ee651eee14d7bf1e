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

from .documents import hours_text

# Streams (the QR image, the page) compressed only, not also ASCII85-encoded:
# reportlab (since 4.0) encodes ASCII85 in pure Python unless its C
# accelerator is installed, which cost about 1.5 ms of CPU per certificate
# here; binary streams are as valid in a PDF, and the file is 15 % smaller.
# Process-wide on purpose: any PDF this platform draws gains the same.
rl_config.useA85 = 0


class PdfError(RuntimeError):
    """The template could not be rendered to PDF."""


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").png_data_uri(scale=5, border=2)


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
