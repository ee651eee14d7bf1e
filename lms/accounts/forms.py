"""Forms of the account pages: they parse input; ``api`` decides."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants import api as tenants_api

from .data import ANSWER_CHOICES, DOCUMENT_TYPE_LABELS, QUESTION_LABELS, Question
from .models import User


def _localities() -> list[tuple[str, str]]:
    return [("", _("Elija su localidad"))] + [
        (loc.schema_name, loc.name)
        for loc in tenants_api.list_localities(include_campus=False)
    ]


class _PersonFields(forms.Form):
    first_name = forms.CharField(label=_("Nombres"), max_length=150)
    last_name = forms.CharField(label=_("Apellidos"), max_length=150)
    email = forms.EmailField(
        label=_("Correo electrónico"),
        error_messages={
            "invalid": _("Escriba un correo completo, como nombre@dominio.com.")
        },
    )
    residence = forms.ChoiceField(label=_("Localidad donde vive"))
    birth_date = forms.DateField(
        label=_("Fecha de nacimiento"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Escriba la fecha como AAAA-MM-DD.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residence"].choices = _localities()


class RegistrationForm(_PersonFields):
    document_type = forms.ChoiceField(
        label=_("Tipo de documento"),
        choices=[(code, _(label)) for code, label in DOCUMENT_TYPE_LABELS.items()],
    )
    document_number = forms.CharField(
        label=_("Número de documento"),
        max_length=30,
        help_text=_("Sin puntos ni espacios."),
    )
    password1 = forms.CharField(label=_("Contraseña"), widget=forms.PasswordInput)
    password2 = forms.CharField(
        label=_("Repita la contraseña"), widget=forms.PasswordInput
    )
    accepts_policy = forms.BooleanField(
        label=_(
            "Autorizo al IDPAC a tratar mis datos personales para gestionar mi "
            "formación y certificados, según la política de tratamiento de datos "
            "enlazada abajo (Ley 1581 de 2012)."
        ),
        error_messages={
            "required": _(
                "Sin esta autorización no podemos crear la cuenta. Márquela "
                "para continuar."
            )
        },
    )
    field_order = [
        "first_name",
        "last_name",
        "email",
        "document_type",
        "document_number",
        "residence",
        "birth_date",
        "password1",
        "password2",
        "accepts_policy",
    ]

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error(
                "password2", _("Las dos contraseñas no coinciden. Escríbalas de nuevo.")
            )
        elif one:
            probe = User(
                first_name=cleaned.get("first_name", ""),
                email=cleaned.get("email", ""),
            )
            try:
                password_validation.validate_password(one, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class ProfileForm(_PersonFields):
    """Correction of one's own data (derecho de rectificación)."""


class SensitiveAnswerForm(forms.Form):
    """One sensitive question with its own consent box.

    Radio buttons with none checked until the person answers: a preselected
    answer (a select's first option) would record a sensitive fact nobody gave,
    and «Prefiero no decir» must be chosen, not assumed.
    """

    answer = forms.ChoiceField(
        label=_("Respuesta"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _(
                "Elija una respuesta antes de guardar; si no quiere responder, "
                "elija «Prefiero no decir»."
            )
        },
    )
    consent = forms.BooleanField(
        label=_(
            "Autorizo el tratamiento de este dato sensible para la finalidad descrita."
        ),
        required=False,
    )

    def __init__(self, question: Question, *args, **kwargs):
        super().__init__(*args, prefix=question.value, **kwargs)
        self.question = question
        self.fields["answer"].label = _(QUESTION_LABELS[question])
        self.fields["answer"].choices = [
            (code, _(label)) for code, label in ANSWER_CHOICES[question].items()
        ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Archivo CSV o XLSX"),
        error_messages={"required": _("Elija el archivo de participantes para subir.")},
    )


class ActivationPasswordResetForm(PasswordResetForm):
    """Also reaches imported people, whose password is not usable yet: for them the
    reset mail is how they activate their account (Django's form skips them)."""

    def get_users(self, email):
        return (
            u
            for u in User.objects.filter(email__iexact=email, is_active=True)
            if u.email
        )


class VerifyingSetPasswordForm(SetPasswordForm):
    """Setting a password from the mailed link also proves the email is theirs."""

    def save(self, commit=True):
        user = super().save(commit=False)
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
        if commit:
            user.save()
        return user
