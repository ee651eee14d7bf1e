"""Admin forms: a project checked against its locality's places; import upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.accounts import api as accounts_api

from .checklists import REGISTRATION_BODY_LABELS
from .projects import ProjectError, check_place, locality_places

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # a locality's registry is a few hundred rows


class ProjectForm(WagtailAdminModelForm):
    """The model's own checks, plus UPZ and barrio of this locality."""

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["upz_code"], cleaned["barrio_code"] = check_place(
                cleaned.get("upz_code", ""),
                cleaned.get("barrio_code", ""),
                locality_places(),
            )
        except ProjectError as exc:
            for field, message in exc.errors.items():
                self.add_error(None if field == "__all__" else field, message)
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "ends_on",
                _(
                    "La fecha de terminación es anterior a la de inicio: revise las dos."
                ),
            )
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Archivo CSV o XLSX"),
        error_messages={"required": _("Elija el archivo con los proyectos.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _(
                    "El archivo pesa más de 5 MB. Un registro de proyectos cabe en "
                    "mucho menos: quite hojas o columnas que no sean de proyectos."
                )
            )
        return upload


class DecidimForm(forms.Form):
    endpoint = forms.URLField(
        label=_("Dirección del API de Decidim"),
        required=False,
        assume_scheme="https",
        help_text=_(
            "Por ejemplo https://decidim.example.org/api. Vacío: no se consulta."
        ),
    )
    component_id = forms.CharField(
        label=_("Número del componente de rendición de cuentas"),
        required=False,
        max_length=20,
    )


class AssignmentForm(forms.Form):
    """A project of this locality, to a selected veedor or a registered veeduría."""

    project = forms.ChoiceField(label=_("Proyecto"))
    user_id = forms.TypedChoiceField(
        label=_("Veedor/a seleccionado/a"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    veeduria_id = forms.TypedChoiceField(
        label=_("o una veeduría inscrita"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args, projects, veedores, veedurias, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = projects
        self.fields["user_id"].choices = [("", "—"), *veedores]
        self.fields["veeduria_id"].choices = [("", "—"), *veedurias]

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("user_id") is None) == (cleaned.get("veeduria_id") is None):
            raise forms.ValidationError(
                _("Elija una persona veedora o una veeduría (solo una de las dos).")
            )
        return cleaned


class VeeduriaForm(forms.Form):
    """The founding record's facts (Ley 850 de 2003, art. 3) and the registration."""

    name = forms.CharField(label=_("Nombre de la veeduría"), max_length=200)
    purpose = forms.CharField(
        label=_("Objeto de la vigilancia"), widget=forms.Textarea(attrs={"rows": 3})
    )
    territorial_level = forms.CharField(
        label=_("Nivel territorial"), max_length=80, initial=_("Local")
    )
    duration = forms.CharField(label=_("Duración"), max_length=80)
    residence = forms.CharField(label=_("Lugar de residencia"), max_length=200)
    founded_on = forms.DateField(
        label=_("Fecha del acta de constitución"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    registered_with = forms.ChoiceField(
        label=_("Inscrita en"), choices=list(REGISTRATION_BODY_LABELS.items())
    )
    registration_number = forms.CharField(
        label=_("Número de inscripción"), max_length=60
    )
    registered_on = forms.DateField(
        label=_("Fecha de inscripción"), widget=forms.DateInput(attrs={"type": "date"})
    )
    members = forms.CharField(
        label=_("Correos de las personas integrantes (uno por línea)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Deben tener cuenta en la plataforma: así pueden reportar."),
    )

    def clean_members(self) -> str:
        emails = [e.strip().lower() for e in self.cleaned_data["members"].split()]
        found = accounts_api.find_people_by_email(emails)
        unknown = [e for e in emails if e not in found]
        if unknown:
            raise forms.ValidationError(
                _("Sin cuenta en la plataforma: %(emails)s.")
                % {"emails": ", ".join(unknown)}
            )
        self.cleaned_data["member_ids"] = [found[e] for e in emails]
        return self.cleaned_data["members"]
