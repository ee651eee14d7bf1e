"""HTTP views of the certificates app: thin callers of ``certificates.api``.

Verification pages are public (no login) and show only what the certificate
shows. The credential download is for the holder only; the PDF for the holder
or the locality's staff who may see certificates (checked in ``api``).
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote, urlsplit

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import api

_JSON_LD = "application/ld+json"
# Locality staff who may see its certificates (admin list) may open their PDFs.
VIEW_PERMISSION = "certificates.view_certificate"
_MAX_UPLOAD = 256 * 1024
# What a code can contain once normalized (the URL pattern cannot take a «/»).
_CODE_CHARACTERS = re.compile(r"^[A-Z0-9-]{1,80}$")


def code_from_text(text: str) -> str | None:
    """The certificate code in what a person typed or pasted, or None.

    People paste the whole verification address (from the QR, an email or a
    chat) as often as they type the code: its last path segment is the code.
    """
    text = (text or "").strip()
    if "/" in text:
        segments = [s for s in urlsplit(text).path.split("/") if s]
        text = unquote(segments[-1]) if segments else ""
    code = api.normalize_code(text)
    return code if _CODE_CHARACTERS.match(code) else None


def verify_form(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("codigo", "").strip()
    if not typed:
        return render(request, "certificates/verify.html", {"result": None})
    code = code_from_text(typed)
    if code is not None:
        return redirect("certificates:verify_code", code=code)
    error = _(
        "«%(typed)s» no es un código de certificado válido. Escriba solo el código "
        "impreso bajo el QR (por ejemplo KENNEDY-7F3K-9QXM) o pegue la dirección "
        "completa de la página de verificación."
    ) % {"typed": typed[:80]}
    return render(
        request,
        "certificates/verify.html",
        {"result": None, "error": error, "code": typed[:80]},
        status=400,
    )


@never_cache
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    result = api.verify_code(code)
    return render(
        request,
        "certificates/verify.html",
        {"result": result, "code": api.normalize_code(code)},
        status=200 if result.certificate else 404,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify_credential(request: HttpRequest) -> HttpResponse:
    result = None
    if request.method == "POST":
        upload = request.FILES.get("archivo")
        if upload is not None:
            document: bytes | str = upload.read(_MAX_UPLOAD + 1)
        else:
            document = request.POST.get("credencial", "")
        result = api.verify_credential(document)
    return render(request, "certificates/verify_credential.html", {"result": result})


def _json(document: dict, *, content_type: str = _JSON_LD) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type=content_type
    )
    response["Access-Control-Allow-Origin"] = "*"  # verifiers fetch from anywhere
    return response


def issuer(request: HttpRequest) -> HttpResponse:
    return _json(api.issuer_profile_document())


def key(request: HttpRequest, key_id: str) -> HttpResponse:
    document = api.key_document(key_id)
    if document is None:
        raise Http404(_("Clave desconocida."))
    return _json(document)


@never_cache
def status_list(request: HttpRequest) -> HttpResponse:
    return _json(api.status_list_document(), content_type="application/vc+ld+json")


@login_required
def my_certificates(request: HttpRequest) -> HttpResponse:
    certificates = api.list_certificates_for_person(request.user.pk)
    return render(request, "certificates/mine.html", {"certificates": certificates})


@never_cache
@login_required
def download_pdf(request: HttpRequest, uuid: str) -> HttpResponse:
    """The PDF, for its holder or the locality's staff who may see certificates.

    PDFs live in private storage (never under a public media path); anyone
    else gets a 404, so the address does not even confirm the certificate.
    """
    try:
        data, content = api.access_certificate_pdf(
            str(uuid),
            user_id=request.user.pk,
            may_view_locality=request.user.has_perm(VIEW_PERMISSION),
        )
    except api.CertificateError as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{data.code}.pdf"'
    return response


@never_cache
@login_required
def download_credential(request: HttpRequest, uuid: str) -> HttpResponse:
    try:
        data = api.access_certificate_for_person(str(uuid), user_id=request.user.pk)
        credential = api.certificate_credential(str(uuid), user_id=request.user.pk)
    except api.CertificateError as exc:
        raise Http404(str(exc)) from exc
    response = JsonResponse(credential, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = _JSON_LD
    response["Content-Disposition"] = f'attachment; filename="{data.code}.json"'
    return response
