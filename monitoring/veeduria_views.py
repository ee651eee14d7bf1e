"""The veeduría's founding record as a PDF, for its members and the locality's
staff (``access.may_get_founding_record``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import api
from .views import require_locality


@require_GET
@login_required
def founding_record(request: HttpRequest, veeduria_id: int) -> HttpResponse:
    require_locality()
    veeduria = api.get_veeduria(veeduria_id)
    if veeduria is None or not api.may_get_founding_record(request.user, veeduria):
        raise Http404(_("Esa veeduría no existe en esta localidad o no es suya."))
    found = api.founding_record_pdf(veeduria_id)
    if found is None:
        raise Http404(_("Esa veeduría no existe en esta localidad o no es suya."))
    content, filename = found
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Members' documents: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
