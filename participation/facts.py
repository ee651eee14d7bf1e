"""What the rules read about a person, gathered through the other apps' doors.

Certificates count from every locality (a certificate is the person's, wherever
it was earned), revoked ones never: read from the city-wide index
(``certified``), one query however many localities there are. Attendance counts
in the active locality.
"""

from __future__ import annotations

from courses import api as courses_api
from lms.accounts import api as accounts_api
from lms.learning import api as learning_api

from .certified import certified_courses
from .rules import CourseRef, PersonFacts


def gather(user_id: int) -> PersonFacts:
    """The facts about the person, as seen from the active locality."""
    person = accounts_api.get_person(user_id)
    return PersonFacts(
        user_id=user_id,
        residence_schema=person.residence_schema,
        birth_date=person.birth_date,
        certified_courses=certified_courses(user_id),
        sessions_attended=learning_api.count_sessions_attended(user_id),
    )


def course_refs() -> dict[str, CourseRef]:
    """Titles and links of the active locality's courses, by stable key."""
    return {
        course.key: CourseRef(title=course.title, url=course.url)
        for course in courses_api.list_catalog()
    }
