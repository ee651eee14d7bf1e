"""H5P core's own interface strings (dialogs, offline notices) in the site's
language. h5p-standalone ships them in English and merges its ``translations``
option over them; each content type's strings live in its content JSON.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

__all__ = ["core_translations"]


def core_translations() -> dict[str, dict[str, str]]:
    """``{"H5P": {key: text}}`` for h5p-standalone's ``translations`` option."""
    return {
        "H5P": {
            "close": _("Cerrar"),
            "title": _("Título"),
            "author": _("Autoría"),
            "year": _("Año"),
            "source": _("Fuente"),
            "license": _("Licencia"),
            "by": _("por"),
            "showMore": _("Ver más"),
            "showLess": _("Ver menos"),
            "subLevel": _("Subnivel"),
            "contentChanged": _(
                "Esta actividad cambió desde la última vez que la usó."
            ),
            "startingOver": _("Va a empezar de nuevo."),
            "confirmDialogHeader": _("Confirmar"),
            "confirmDialogBody": _(
                "Confirme que quiere continuar. Esta acción no se puede deshacer."
            ),
            "cancelLabel": _("Cancelar"),
            "confirmLabel": _("Confirmar"),
            "connectionLost": _(
                "Se perdió la conexión. Los resultados se enviarán cuando vuelva."
            ),
            "connectionReestablished": _("La conexión volvió."),
            "resubmitScores": _("Enviando los resultados guardados."),
            "offlineDialogHeader": _("Se perdió la conexión con el servidor"),
            "offlineDialogBody": _(
                "No se pudo enviar su resultado. Revise su conexión a internet."
            ),
            "offlineDialogRetryMessage": _("Reintento en :num…"),
            "offlineDialogRetryButtonLabel": _("Reintentar ahora"),
            "offlineSuccessfulSubmit": _("Los resultados se enviaron."),
        }
    }
