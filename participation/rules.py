"""The requirements of a role, as explained rules (pure: facts in, results out).

Each rule says in Spanish whether it is met and, when not, what to do (with a
link to the course that gives a missing certificate). The verdict a person sees
is the first blocking reason, in this order: applications closed, another
locality, too young, requirements missing; else eligible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext, gettext_noop

from .data import Eligibility, RoleData, RuleResult, Verdict


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What the rules read about a person (gathered by ``facts.gather``)."""

    user_id: int
    residence_schema: str | None
    birth_date: date | None
    certified_courses: frozenset[str]
    sessions_attended: int


@dataclass(frozen=True, slots=True)
class CourseRef:
    title: str
    url: str


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


Say = Callable[..., str]


def _explained(message: str, **params: object) -> str:
    text = gettext(message)
    return text % params if params else text


def _silent(message: str, **params: object) -> str:
    # The set-based pass stores verdicts only: translating every sentence of
    # 200,000 standings was most of its time.
    return ""


def _certificates(
    role: RoleData, facts: PersonFacts, courses: dict[str, CourseRef], say: Say
) -> list[RuleResult]:
    results = []
    for key in role.required_courses:
        course = courses.get(key)
        title = course.title if course else key
        if key in facts.certified_courses:
            text = say(
                gettext_noop("Tiene el certificado de «%(course)s»."), course=title
            )
            results.append(RuleResult("certificado", True, text))
        else:
            text = say(
                gettext_noop(
                    "Falta el certificado de «%(course)s»: termine el curso para "
                    "obtenerlo."
                ),
                course=title,
            )
            results.append(
                RuleResult("certificado", False, text, course.url if course else "")
            )
    return results


def _attendance(role: RoleData, facts: PersonFacts, say: Say) -> list[RuleResult]:
    if not role.min_sessions_attended:
        return []
    met = facts.sessions_attended >= role.min_sessions_attended
    text = say(
        gettext_noop(
            "Asistencia presencial: %(done)d de %(needed)d sesiones en esta localidad."
        ),
        done=facts.sessions_attended,
        needed=role.min_sessions_attended,
    )
    if not met and text:
        text += " " + say(
            gettext_noop("Inscríbase en un grupo presencial y asista a sus sesiones.")
        )
    return [RuleResult("asistencia", met, text)]


def _residence(
    role: RoleData, facts: PersonFacts, here: str, say: Say
) -> RuleResult | None:
    if not role.requires_residence:
        return None
    if facts.residence_schema == here:
        return RuleResult(
            "residencia", True, say(gettext_noop("Vive en esta localidad."))
        )
    return RuleResult(
        "residencia",
        False,
        say(
            gettext_noop(
                "Este rol es para quienes viven en esta localidad. Si se mudó, corrija "
                "su localidad de residencia en «Mis datos»; si no, busque el rol en "
                "la localidad donde vive."
            )
        ),
        "/cuenta/mis-datos/",
    )


def _age(
    role: RoleData, facts: PersonFacts, today: date, say: Say
) -> tuple[RuleResult, bool]:
    if facts.birth_date is None:
        text = say(
            gettext_noop(
                "Escriba su fecha de nacimiento en «Mis datos» para saber su edad."
            )
        )
        return RuleResult("edad", False, text, "/cuenta/mis-datos/"), False
    age = age_on(facts.birth_date, today)
    if age >= role.min_age:
        text = say(gettext_noop("Tiene la edad mínima del rol."))
        return RuleResult("edad", True, text), False
    if role.minors_from is not None and age >= role.minors_from:
        text = say(
            gettext_noop(
                "Tiene %(age)d años: puede postularse con la autorización de su "
                "madre, padre o acudiente, que se registra al postularse."
            ),
            age=age,
        )
        return RuleResult("edad", True, text), True
    text = say(
        gettext_noop("Este rol pide al menos %(min)d años; usted tiene %(age)d."),
        min=role.minors_from or role.min_age,
        age=age,
    )
    return RuleResult("edad", False, text), False


def evaluate(
    role: RoleData,
    facts: PersonFacts,
    *,
    here: str,
    today: date,
    courses: dict[str, CourseRef],
    has_applied: bool = False,
    explain: bool = True,
) -> Eligibility:
    """The person's standing for the role, with every rule explained (or, with
    ``explain=False``, the same verdict and results without their sentences)."""
    say = _explained if explain else _silent
    results = [
        *_certificates(role, facts, courses, say),
        *_attendance(role, facts, say),
    ]
    residence = _residence(role, facts, here, say)
    age, needs_guardian = _age(role, facts, today, say)
    results = [r for r in (residence, age) if r is not None] + results
    cycle = role.cycle
    if has_applied:
        verdict = Verdict.APPLIED
    elif role.drawn or not cycle.applications_open <= today <= cycle.applications_close:
        verdict = Verdict.CLOSED
    elif residence is not None and not residence.is_met:
        verdict = Verdict.OTHER_LOCALITY
    elif not age.is_met and facts.birth_date is not None:
        verdict = Verdict.TOO_YOUNG
    elif not all(result.is_met for result in results):
        verdict = Verdict.MISSING
    else:
        verdict = Verdict.ELIGIBLE
    return Eligibility(
        role_id=role.role_id,
        user_id=facts.user_id,
        verdict=verdict,
        results=tuple(results),
        needs_guardian=needs_guardian,
    )
