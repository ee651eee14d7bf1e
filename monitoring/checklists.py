"""The questions a veedor answers on a visit, per investment line, and the labels
of the report's values.

Every report asks the common questions (visible works, the project's sign, the
gender approach and the differential approach, as the reactivation line and
the local plans require of all spending), then its line's own. Keys are stable:
they are stored with the answers, so a reworded question keeps old answers.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .data import Answer, InvestmentLine, RegistrationBody, ReportStatus, Verdict

COMMON: tuple[tuple[str, Promise], ...] = (
    ("avance_visible", _("¿Se ve en el lugar la obra o la actividad que se contrató?")),
    (
        "valla_informativa",
        _("¿Hay una valla o aviso con el objeto, el valor, el contratista y el plazo?"),
    ),
    (
        "enfoque_genero",
        _(
            "Enfoque de género: ¿el proyecto tiene en cuenta a mujeres y personas "
            "LGBTI (horarios, seguridad, participación en las decisiones y el empleo)?"
        ),
    ),
    (
        "enfoque_diferencial",
        _(
            "Enfoque diferencial: ¿pueden usarlo personas con discapacidad, mayores, "
            "niños y niñas, y grupos étnicos (acceso, información, atención)?"
        ),
    ),
)

BY_LINE: dict[InvestmentLine, tuple[tuple[str, Promise], ...]] = {
    InvestmentLine.LOCAL_ECONOMY: (
        ("beneficiarios_publicados", _("¿Se publicó la lista de unidades productivas beneficiarias?")),
        ("insumos_entregados", _("¿Los beneficiarios recibieron los insumos o el capital prometido?")),
    ),
    InvestmentLine.INFRASTRUCTURE: (
        ("obra_senalizada", _("¿La obra está señalizada y es segura para quien pasa?")),
        ("accesibilidad", _("¿Tiene rampas, andenes continuos y pasos seguros?")),
        ("calidad_materiales", _("¿Los materiales y acabados se ven en buen estado?")),
    ),
    InvestmentLine.REACTIVATION: (
        ("actividades_realizadas", _("¿Las actividades se hicieron en las fechas anunciadas?")),
        ("convocatoria_abierta", _("¿La convocatoria fue abierta y llegó al barrio?")),
    ),
    InvestmentLine.ENVIRONMENT: (
        ("intervencion_verificable", _("¿Se pueden contar las siembras, huertas o puntos intervenidos?")),
        ("mantenimiento", _("¿Hay mantenimiento (riego, limpieza, manejo de residuos)?")),
    ),
    InvestmentLine.RURALITY: (
        ("predios_visitados", _("¿Los predios o veredas previstos recibieron la visita o el apoyo?")),
        ("comunidad_informada", _("¿La comunidad rural fue informada y consultada?")),
    ),
}  # fmt: skip


def questions_for(line: InvestmentLine | str) -> tuple[tuple[str, Promise], ...]:
    """The common questions, then the line's own, in the order they are asked."""
    return COMMON + BY_LINE[InvestmentLine(line)]


ANSWER_LABELS: dict[Answer, Promise] = {
    Answer.YES: _("Sí"),
    Answer.PARTLY: _("En parte"),
    Answer.NO: _("No"),
    Answer.NOT_APPLICABLE: _("No aplica"),
}

VERDICT_LABELS: dict[Verdict, Promise] = {
    Verdict.MET: _("Cumplido"),
    Verdict.PARTIALLY_MET: _("Parcialmente cumplido"),
    Verdict.NOT_MET: _("No cumplido"),
}

REPORT_STATUS_LABELS: dict[ReportStatus, Promise] = {
    ReportStatus.SUBMITTED: _("Enviado, en revisión"),
    ReportStatus.PUBLISHED: _("Publicado"),
    ReportStatus.RETURNED: _("Devuelto"),
}

REGISTRATION_BODY_LABELS: dict[RegistrationBody, Promise] = {
    RegistrationBody.PERSONERIA: _("Personería"),
    RegistrationBody.CHAMBER_OF_COMMERCE: _("Cámara de Comercio"),
}
