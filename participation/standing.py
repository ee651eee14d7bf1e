"""Stored eligibility, recomputed when what it depends on changes, with a notice.

Recomputed for a person when one of their certificates is issued or revoked, when
their registration data changes (residence, birth date), and when they look at the
roles. The first time a person becomes eligible for a role they are told once, in
«Mi aprendizaje» and by email (a learning notice: one per person and role).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lms.accounts import api as accounts_api
from lms.learning import api as learning_api
from lms.locality_roles import api as roles_api
from tenants import api as tenants_api

from .data import ApplicationStatus, Eligibility, RoleData, Verdict
from .eligibility import roles_for_person
from .models import Application as _Application
from .models import EligibilityRecord as _EligibilityRecord
from .reporting_facts import announce_funnel_change

NOTICE_KIND = "rol_habilitado"


@transaction.atomic
def store(user_id: int, standings: list[tuple[RoleData, Eligibility]]) -> list[int]:
    """Keep each standing; returns the roles the person has just become eligible for."""
    now = timezone.now()
    newly: list[int] = []
    changed = False
    for role, standing in standings:
        record, _created = _EligibilityRecord.objects.select_for_update().get_or_create(
            user_id=user_id,
            role_id=role.role_id,
            defaults={"verdict": standing.verdict, "computed_at": now},
        )
        was_eligible = record.eligible_since is not None
        changed = changed or _created or record.verdict != standing.verdict
        record.verdict = standing.verdict
        record.computed_at = now
        if standing.verdict == Verdict.ELIGIBLE and not was_eligible:
            record.eligible_since = now
            newly.append(role.role_id)
        elif standing.verdict not in (Verdict.ELIGIBLE, Verdict.APPLIED):
            record.eligible_since = None
        record.save()
        if standing.verdict == Verdict.APPLIED:
            watch_selected(user_id, role, standing)
        if role.role_id in newly:
            notice = eligible_notice(user_id, role)
            learning_api.notify(
                user_id,
                NOTICE_KIND,
                notice.ref,
                title=notice.title,
                body=notice.body,
                link=notice.link,
            )
    if changed:
        announce_funnel_change()
    return newly


def eligible_notice(user_id: int, role: RoleData) -> learning_api.NoticeDraft:
    """What a person is told the first time they are eligible for a role."""
    return learning_api.NoticeDraft(
        user_id=user_id,
        ref=f"rol-{role.role_id}",
        # Two delegate roles differ only by their line: name it.
        title=(
            _("Ya puede postularse: %(role)s · %(line)s")
            % {"role": role.title, "line": _(role.line_label)}
            if role.line_label
            else _("Ya puede postularse: %(role)s") % {"role": role.title}
        ),
        body=_(
            "Cumple los requisitos del rol «%(role)s» (%(cycle)s). Las "
            "postulaciones cierran el %(close)s."
        )
        % {
            "role": role.title,
            "cycle": role.cycle.name,
            "close": formats.date_format(
                role.cycle.applications_close, "SHORT_DATE_FORMAT"
            ),
        },
        link=f"/participacion/roles/{role.role_id}/",
    )


def watch_selected(user_id: int, role: RoleData, standing: Eligibility) -> None:
    """A selected person who stops meeting a requirement is flagged on the roster
    and the locality's selectors are told once; they decide what happens."""
    application = _Application.objects.filter(
        user_id=user_id, role_id=role.role_id, status=ApplicationStatus.SELECTED
    ).first()
    if application is None:
        return
    unmet = [r.explanation for r in standing.results if not r.is_met]
    if not unmet:
        if application.requirements_lost_at is not None:
            application.requirements_lost_at = None
            application.requirements_note = ""
            application.save(
                update_fields=["requirements_lost_at", "requirements_note"]
            )
        return
    if application.requirements_lost_at is not None:
        return
    application.requirements_lost_at = timezone.now()
    application.requirements_note = " ".join(unmet)
    application.save(update_fields=["requirements_lost_at", "requirements_note"])
    for manager_id in {
        *roles_api.holders_of(roles_api.Role.LOCALITY_MANAGER),
        *roles_api.holders_of(roles_api.Role.ADMINISTRATOR),
    }:
        learning_api.notify(
            manager_id,
            "rol_no_cumple",
            f"postulacion-{application.pk}-{application.requirements_lost_at:%Y%m%d%H%M}",
            title=_("Una persona seleccionada ya no cumple: %(role)s")
            % {"role": role.title},
            body=_(
                "Postulación %(id)d: %(why)s Revise la lista del rol y decida si sigue."
            )
            % {"id": application.pk, "why": application.requirements_note},
            link=f"/admin/participacion/roles/{role.role_id}/",
        )


def recompute_here(user_id: int) -> list[int]:
    """Recompute and store the person's standing for every role of this locality."""
    return store(user_id, roles_for_person(user_id))


def recompute_for_person(
    user_id: int, *, also_in: str | None = None
) -> dict[str, list[int]]:
    """Recompute where it matters: where the person lives (roles ask for
    residence), ``also_in`` (where a certificate was issued or revoked), and every
    locality that already keeps a standing for them (so moving away updates the
    old one). Returns, per locality, the roles they just became eligible for."""
    person = accounts_api.get_person(user_id)
    wanted = {s for s in (person.residence_schema, also_in) if s}
    found = {}
    for schema in tenants_api.locality_schemas():
        with tenants_api.in_locality(schema):
            known = _EligibilityRecord.objects.filter(user_id=user_id).exists()
            if schema in wanted or known:
                found[schema] = recompute_here(user_id)
    return found
