"""A course's own certificate template, HTML/CSS rendered by xhtml2pdf (internal).

Trainers adapt one course's certificate by copying
``templates/certificates/pdf/default.html`` to
``templates/certificates/pdf/<course_key>.html`` (``pdf`` looks for it
first). xhtml2pdf is pure Python (``make`` installs it; WeasyPrint would need
system libraries); it parses the HTML and CSS and lays out boxes for every
document, which is why the default certificate is drawn directly
(``pdf_drawn``, ADR 0054).
"""

from __future__ import annotations

import io
from typing import Any

from xhtml2pdf import pisa
from xhtml2pdf.context import pisaContext
from xhtml2pdf.parser import DEFAULT_CSS_SOURCE

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


def render_html_pdf(template: Any, context: dict[str, Any]) -> bytes | None:
    """PDF bytes of ``template`` (a loaded Django template) or None if it failed.

    ``context`` already carries ``hours_text`` and ``qr`` (a PNG data URI).
    """
    html = template.render(context)
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    return None if result.err else out.getvalue()
