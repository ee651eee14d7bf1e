"""Admin forms: a project checked against its locality's places; import upload."""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

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
                "La fecha de terminación es anterior a la de inicio: revise las dos.",
            )
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Archivo CSV o XLSX",
        error_messages={"required": "Elija el archivo con los proyectos."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "El archivo pesa más de 5 MB. Un registro de proyectos cabe en mucho "
                "menos: quite hojas o columnas que no sean de proyectos."
            )
        return upload


class DecidimForm(forms.Form):
    endpoint = forms.URLField(
        label="Dirección del API de Decidim",
        required=False,
        assume_scheme="https",
        help_text="Por ejemplo https://decidim.example.org/api. Vacío: no se consulta.",
    )
    component_id = forms.CharField(
        label="Número del componente de rendición de cuentas",
        required=False,
        max_length=20,
    )
