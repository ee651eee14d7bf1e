"""What the rules read about a person, gathered through the other apps' doors.

Certificates count from every locality (a certificate is the person's, wherever
it was earned), revoked ones never; attendance counts in the active locality.
Cross-locality reading is an explicit loop over the schemas, one at a time.
"""

from __future__ import annotations

from certificates import api as certificates_api
from courses import api as courses_api
from lms.accounts import api as accounts_api
from lms.learning import api as learning_api
from tenants import api as tenants_api

from .rules import CourseRef, PersonFacts


def gather(user_id: int) -> PersonFacts:
    """The facts about the person, as seen from the active locality."""
    person = accounts_api.get_person(user_id)
    here = tenants_api.current_schema()
    certified: set[str] = set()
    for schema in tenants_api.locality_schemas():
        with tenants_api.in_locality(schema):
            certified.update(
                certificate.course_key
                for certificate in certificates_api.list_certificates_for_person(
                    user_id
                )
                if certificate.revoked_at is None
            )
    with tenants_api.in_locality(here):
        attended = learning_api.count_sessions_attended(user_id)
    return PersonFacts(
        user_id=user_id,
        residence_schema=person.residence_schema,
        birth_date=person.birth_date,
        certified_courses=frozenset(certified),
        sessions_attended=attended,
    )


def course_refs() -> dict[str, CourseRef]:
    """Titles and links of the active locality's courses, by stable key."""
    return {
        course.key: CourseRef(title=course.title, url=course.url)
        for course in courses_api.list_catalog()
    }
