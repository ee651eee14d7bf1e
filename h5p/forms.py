"""Admin form: upload an .h5p package (create) or rename an activity (edit)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from . import api
from .models import H5PContent


def _scan_note() -> str:
    if api.scanning_enabled():
        return _(
            "Cada paquete se analiza con el antivirus (ClamAV) antes de instalarlo."
        )
    return _(
        "Análisis antivirus desactivado: no hay un servidor ClamAV configurado "
        "(H5P_CLAMAV_URL). Suba solo paquetes de fuentes confiables."
    )


class H5PUploadForm(WagtailAdminModelForm):
    package = forms.FileField(
        label=gettext_lazy("Paquete H5P (.h5p)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".h5p"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Vacío: se usa el título del paquete.")
        self.fields["package"].help_text = _(
            "Se valida completo antes de instalar nada. %(scanning)s"
        ) % {"scanning": _scan_note()}
        self._checked = None

    @property
    def creating(self) -> bool:
        return self.instance.pk is None

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("package")
        if not self.creating:
            if not cleaned.get("title"):
                self.add_error("title", _("Escriba un título para la actividad."))
            return cleaned
        if not upload:
            self.add_error(
                "package", _("Elija un archivo .h5p exportado de un editor H5P.")
            )
            return cleaned
        data = upload.read()
        try:
            self._checked = api.check_package(
                data,
                name=upload.name,
                may_add_libraries=api.may_add_libraries(self.for_user),
            )
        except api.PackageRefused as exc:
            self.add_error("package", str(exc))
        return cleaned

    def save(self, commit: bool = True) -> H5PContent:
        if not self.creating:
            return super().save(commit=commit)
        result = api.install_package(
            self._checked,
            title=self.cleaned_data.get("title") or "",
            uploaded_by_id=getattr(self.for_user, "pk", None),
        )
        self.instance = H5PContent.objects.get(key=result.key)
        return self.instance
