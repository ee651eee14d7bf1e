"""Account pages: registration, email verification, «Mis datos», bulk import.

Thin: forms parse, ``api`` decides, templates render. Pages live on every
locality's host; the account behind them is city-wide.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from . import api
from .data import PURPOSE_TEXT, Question
from .forms import ImportForm, ProfileForm, RegistrationForm, SensitiveAnswerForm
from .models import User

_BACKEND = "lms.accounts.backends.EmailOrUsernameBackend"
_IMPORT_PERMISSION = "accounts.add_user"
_REGISTRATION_FIELDS = {"residence_locality_id": "residence"}


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("my_data")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = api.register_person(
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["password1"],
                document_type=data["document_type"],
                document_number=data["document_number"],
                residence=data["residence"],
                birth_date=data["birth_date"],
                policy_version=api.DATA_POLICY_VERSION,
                registered_in=tenants_api.current_schema(),
            )
        except api.RegistrationError as exc:
            _add_errors(form, exc)
        else:
            api.send_verification_email(
                person.user_id, base_url=request.build_absolute_uri("/")
            )
            user = User.objects.get(pk=person.user_id)
            login(request, user, backend=_BACKEND)
            messages.success(
                request,
                _(
                    "Le damos la bienvenida. Le enviamos un correo para confirmar "
                    "su dirección; abra el enlace cuando pueda."
                ),
            )
            return redirect("my_data")
    return render(
        request,
        "accounts/register.html",
        {"form": form, "policy_version": api.DATA_POLICY_VERSION},
    )


def data_policy(request: HttpRequest) -> HttpResponse:
    """The data-processing policy that registration asks people to accept."""
    return render(
        request,
        "accounts/data_policy.html",
        {"policy_version": api.DATA_POLICY_VERSION},
    )


def verify_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    ok = api.verify_email(uidb64, token)
    return render(
        request, "accounts/verify_email.html", {"ok": ok}, status=200 if ok else 400
    )


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    person = api.get_person(request.user.pk)
    initial = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "residence": person.residence_schema,
        "birth_date": person.birth_date,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            api.update_person(request.user.pk, **form.cleaned_data)
        except api.RegistrationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Sus datos quedaron corregidos."))
            return redirect("my_data")
    return render(
        request,
        "accounts/my_data.html",
        {
            "person": person,
            "form": form,
            "answers": api.sensitive_answers_of(person.user_id),
            "acceptances": api.policy_acceptances_of(person.user_id),
        },
    )


@login_required
def resend_verification(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and api.send_verification_email(
        request.user.pk, base_url=request.build_absolute_uri("/")
    ):
        messages.success(request, _("Le enviamos un enlace nuevo; revise su correo."))
    return redirect("my_data")


@login_required
def my_data_json(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(
        api.export_person_data(request.user.pk),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = 'attachment; filename="mis-datos.json"'
    return response


@login_required
def my_data_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        ("\ufeff" + api.export_person_csv(request.user.pk)).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="mis-datos.csv"'
    return response


@login_required
def sensitive_data(request: HttpRequest) -> HttpResponse:
    held = api.sensitive_answers_of(request.user.pk)
    forms = []
    for question in Question:
        bound = (
            request.method == "POST" and request.POST.get("question") == question.value
        )
        initial = {"answer": held[question].answer} if question in held else None
        form = SensitiveAnswerForm(
            question, request.POST if bound else None, initial=initial
        )
        if bound and request.POST.get("action") == "withdraw":
            api.withdraw_consent(request.user.pk, question)
            messages.success(
                request, _("Retiramos su autorización y borramos la respuesta.")
            )
            return redirect("sensitive_data")
        if bound and form.is_valid():
            try:
                api.answer_sensitive_question(
                    request.user.pk,
                    question,
                    form.cleaned_data["answer"],
                    consent=form.cleaned_data["consent"],
                )
            except ValidationError as exc:
                form.add_error("consent", exc.messages[0])
            else:
                messages.success(request, _("Guardamos su respuesta."))
                return redirect("sensitive_data")
        forms.append((form, question in held, PURPOSE_TEXT[question]))
    return render(request, "accounts/sensitive_data.html", {"forms": forms})


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("confirm", "").strip().upper() != "ELIMINAR":
            messages.error(
                request, _("Para eliminar su cuenta escriba ELIMINAR en la casilla.")
            )
            return redirect("delete_account")
        user_id = request.user.pk
        logout(request)
        api.anonymize_person(user_id)
        return render(request, "accounts/deleted.html")
    return render(request, "accounts/delete_account.html")


# --- Bulk import (staff with the permission in this locality) ------------------------


def _check_import_permission(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not request.user.has_perm(_IMPORT_PERMISSION):
        raise PermissionDenied(
            _("Su rol en esta localidad no permite importar participantes.")
        )


def import_participants(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{settings.LOGIN_URL}?next={request.path}")
    _check_import_permission(request)
    context: dict = {"form": ImportForm()}
    if request.method == "POST" and request.POST.get("action") == "import":
        token, filename, content = _stored_upload(request)
        context["result"] = api.import_participants(content, filename=filename)
        context["token"] = token
        return render(request, "accounts/import.html", context)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            token = secrets.token_urlsafe(16)
            # Held in the locality's private storage: any web node reads it back.
            tenants_api.hold_file("participant-import", token, content)
            request.session[f"import-{token}"] = upload.name
            context["preview"] = api.preview_participants(content, filename=upload.name)
            context["token"] = token
    return render(request, "accounts/import.html", context)


def import_rejected(request: HttpRequest, token: str) -> HttpResponse:
    _check_import_permission(request)
    token, filename, content = _stored_upload(request, token)
    response = HttpResponse(
        api.rejected_rows_csv(content, filename=filename),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="filas-rechazadas.csv"'
    return response


def _stored_upload(
    request: HttpRequest, token: str | None = None
) -> tuple[str, str, bytes]:
    token = token or request.POST.get("token", "")
    filename = request.session.get(f"import-{token}")
    content = (
        tenants_api.held_file("participant-import", token)
        if filename and token.replace("-", "").replace("_", "").isalnum()
        else None
    )
    if content is None:
        raise Http404(_("Ese archivo ya no está disponible. Súbalo de nuevo."))
    return token, filename, content


def _add_errors(form, exc: api.RegistrationError) -> None:
    for field, message in exc.errors.items():
        name = _REGISTRATION_FIELDS.get(field, field)
        form.add_error(name if name in form.fields else None, message)
