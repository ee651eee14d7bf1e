"""Admin forms of the open-data labs: dataset, file upload, portal import, reshaping."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .data import ColumnType
from .labels import column_type_label


class DatasetForm(forms.Form):
    title = forms.CharField(label=_("Título"), max_length=255)
    description = forms.CharField(
        label=_("Descripción"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    publisher = forms.CharField(
        label=_("Quién publica"), max_length=255, required=False
    )
    licence = forms.CharField(
        label=_("Licencia"),
        max_length=255,
        required=False,
        help_text=_("Por ejemplo «CC BY-SA 4.0». Se copia a cada versión."),
    )
    source_url = forms.URLField(
        label=_("Dirección de la fuente"), required=False, assume_scheme="https"
    )
    file = forms.FileField(
        label=_("Archivo (CSV, XLSX o Parquet, opcional)"),
        required=False,
        help_text=_(
            "Se revisa completo antes de guardar nada: separador, codificación, "
            "filas, tipos. Puede subirlo después o importarlo de un portal."
        ),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Archivo (CSV, XLSX o Parquet)"),
        error_messages={"required": _("Elija el archivo que quiere subir.")},
    )
    source_url = forms.URLField(
        label=_("Dirección de donde lo descargó"), required=False, assume_scheme="https"
    )


class ImportForm(forms.Form):
    portal = forms.ChoiceField(
        label=_("Portal"),
        choices=[
            ("ckan", _("Datos Abiertos Bogotá (CKAN)")),
            ("socrata", _("datos.gov.co (Socrata)")),
        ],
    )
    identifier = forms.CharField(
        label=_("Identificador del conjunto"),
        max_length=200,
        help_text=_(
            "CKAN: el nombre del conjunto en su dirección (…/dataset/<nombre>). "
            "datos.gov.co: el código abcd-1234."
        ),
    )
    resource_id = forms.CharField(
        label=_("Recurso (solo CKAN, opcional)"),
        max_length=200,
        required=False,
        help_text=_("Vacío: el primer recurso consultable del conjunto."),
    )


class TurnForm(forms.Form):
    def __init__(self, *args, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(c, c) for c in columns]
        self.fields["value_columns"] = forms.MultipleChoiceField(
            label=_("Columnas que son lugares (se vuelven filas)"),
            choices=choices,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Marque las columnas que son lugares.")},
        )
        self.fields["id_columns"] = forms.MultipleChoiceField(
            label=_("Columnas que se repiten en cada fila"),
            choices=choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )

    names_to = forms.CharField(
        label=_("Nombre de la columna de lugares"), initial="lugar"
    )
    values_to = forms.CharField(
        label=_("Nombre de la columna de valores"), initial="valor"
    )


class RetypeForm(forms.Form):
    def __init__(self, *args, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"] = forms.ChoiceField(
            label=_("Columna"), choices=[(c, c) for c in columns]
        )
        self.fields["new_type"] = forms.ChoiceField(
            label=_("Tipo correcto"),
            choices=[(t.value, column_type_label(t)) for t in ColumnType],
        )
