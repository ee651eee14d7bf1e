"""Demo citizen monitoring for `make run`: a veeduría in Kennedy and one in Bosa,
each watching a demo project; in Kennedy a published report with a photo (its
gap with the official figure flagged), one waiting for review, and an older
published one the alcaldía never answered (overdue, escalated with a letter).

Runs after ``demo_projects`` (the projects must exist) and after the demo
people of ``load_demo`` (the Kennedy facilitator reviews). Idempotent: a
locality that already has the veeduría is left as it is.
"""

from __future__ import annotations

import io
from datetime import date

from PIL import Image, ImageDraw

from lms.accounts import api as accounts_api
from monitoring import api as monitoring_api
from tenants import api as tenants_api

PASSWORD = "demo-clave-1"  # noqa: S105 - demo data, DEBUG only (load_demo checks)
# schema → (veeduría, member email, document, project code, registered at)
VEEDURIAS = {
    "kennedy": (
        "Veeduría Parques de Patio Bonito",
        "veedora@example.org",
        "1000000005",
        "KEN-PP24-02",
        monitoring_api.RegistrationBody.PERSONERIA,
    ),
    "bosa": (
        "Veeduría Ambiental de Bosa",
        "veedor.bosa@example.org",
        "1000000006",
        "BOS-PP24-04",
        monitoring_api.RegistrationBody.CHAMBER_OF_COMMERCE,
    ),
}
REVIEWER_EMAIL = "facilitador@example.org"
_KENNEDY = "kennedy"  # where the demo reports are filed


def load_demo_monitoring() -> list[str]:
    """Veedurías, assignments and reports; one line per thing created."""
    done: list[str] = []
    present = set(tenants_api.locality_schemas(include_campus=False))
    for schema, row in VEEDURIAS.items():
        if schema not in present:
            continue
        name, email, document, code, body = row
        member_id = _member(email, document, schema)
        with tenants_api.in_locality(schema):
            if monitoring_api.get_project(code) is None:
                continue
            if any(v.name == name for v in monitoring_api.list_veedurias()):
                continue
            veeduria = monitoring_api.register_veeduria(
                name,
                purpose=f"Vigilar la ejecución del proyecto {code}",
                territorial_level="Local",
                duration="Un año",
                residence=f"{schema.title()}, Bogotá",
                founded_on=date(2026, 2, 1),
                registered_with=body,
                registration_number=f"{schema[:3].upper()}-2026-0147",
                registered_on=date(2026, 2, 20),
                member_ids=[member_id],
            )
            monitoring_api.assign_project(
                code, assigned_by=member_id, veeduria_id=veeduria.veeduria_id
            )
            done.append(f"veeduría en {schema}: {name} ({email} / {PASSWORD})")
            if schema == _KENNEDY:
                done.extend(_kennedy_reports(code, member_id))
    return done


def _member(email: str, document: str, schema: str) -> int:
    found = accounts_api.find_people_by_email([email])
    if email in found:
        return found[email]
    person = accounts_api.register_person(
        first_name="Veedora" if schema == _KENNEDY else "Veedor",
        last_name="Demo",
        email=email,
        password=PASSWORD,
        document_type="CC",
        document_number=document,
        residence=schema,
        birth_date=date(1988, 9, 9),
        registered_in=schema,
    )
    return person.user_id


def _kennedy_reports(code: str, member_id: int) -> list[str]:
    project = monitoring_api.get_project(code)
    answers = {
        key: monitoring_api.Answer.PARTLY.value
        for key, _question in monitoring_api.questions_for(project.line)
    }
    published, _created = monitoring_api.submit_report(
        code,
        author_id=member_id,
        idempotency_key=monitoring_api.new_idempotency_key(),
        observed_progress="15",  # the official figure says 35: a gap
        checklist=answers,
        verdict=monitoring_api.Verdict.NOT_MET,
        observations="Los senderos están a medias y los juegos no han llegado.",
        photos=[("obra.jpg", _demo_photo())],
    )
    reviewer = accounts_api.find_people_by_email([REVIEWER_EMAIL]).get(REVIEWER_EMAIL)
    lines = []
    if reviewer is not None:
        lines.append(_overdue_report(code, member_id, answers, reviewer))
    lines.append(f"reporte ciudadano en kennedy sobre {code}")
    if reviewer is not None:
        monitoring_api.publish_report(published.report_uuid, reviewer_id=reviewer)
        lines[-1] += " (publicado)"
    monitoring_api.submit_report(
        code,
        author_id=member_id,
        idempotency_key=monitoring_api.new_idempotency_key(),
        observed_progress="25",
        checklist=answers,
        verdict=monitoring_api.Verdict.PARTIALLY_MET,
        observations="Llegaron dos juegos; falta instalarlos.",
    )
    lines.append(f"reporte ciudadano en kennedy sobre {code} (por revisar)")
    return lines


def _overdue_report(code: str, member_id: int, answers: dict, reviewer: int) -> str:
    """A report published 40 days ago that the alcaldía never answered: past
    its 15 business days, so the escalation writes its letter."""
    report, _created = monitoring_api.submit_report(
        code,
        author_id=member_id,
        idempotency_key=monitoring_api.new_idempotency_key(),
        observed_progress="30",
        checklist=answers,
        verdict=monitoring_api.Verdict.PARTIALLY_MET,
        observations="Cerramiento listo; no hay avisos de la obra ni del contratista.",
    )
    monitoring_api.publish_report(report.report_uuid, reviewer_id=reviewer)
    monitoring_api.backdate_report_for_demo(report.report_uuid, days=40)
    monitoring_api.escalate_overdue()
    return f"reporte ciudadano en kennedy sobre {code} (sin respuesta, escalado)"


def _demo_photo() -> bytes:
    """A drawn 'photo' of a half-built path, so the demo needs no image files."""
    image = Image.new("RGB", (1200, 800), (120, 170, 90))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1200, 300), fill=(170, 205, 235))
    draw.polygon([(500, 800), (700, 800), (640, 300), (560, 300)], fill=(150, 140, 130))
    draw.rectangle((850, 420, 1000, 560), outline=(200, 60, 40), width=8)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()
