"""Seeding for bench/dashboards.py: 50,000 people, 120,000 enrollments and
1,000,000 xAPI statements over 20 localities at --scale 1 (seeded, COPY).

The localities' own tables (enrollments, completions, certificates, active days,
statements) and the public reporting tables are written from the same values,
so the first recount must find no drift.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

COURSES = [f"curso-{i:02d}" for i in range(12)]
GENDERS = ["mujer"] * 50 + ["hombre"] * 45 + ["no_binario"] * 3 + [""] * 2
ETHNIC = ["", "", "", "", "afrocolombiano", "indigena", "raizal", "rrom"]
LESSONS = ("l1", "l2", "l3")  # per course: lesson keys are f"{course}-{lesson}"
# Courses published as real pages in every locality (certificates need one);
# the others exist only as completion rules, which is all the records need.
PUBLISHED = COURSES[:2]


def _copy(table: str, columns: str, rows) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def seed(schemas: list[str], scale: float, now: datetime) -> list[int]:
    """Seed accounts, profiles, every locality's records and the reporting table.

    The locality tables (enrollments, completions, certificates, active days,
    statements) are written first; the reporting rows are derived from the same
    values, so the first recount must find no drift. Returns the people's ids.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from courses import api as courses_api
    from lms.learning import api as learning_api
    from lms.learning.data import LessonRef
    from reporting.models import LearnerCourse, LearnerDay, PersonProfile
    from tenants import api as tenants_api

    rng = random.Random(8)  # noqa: S311 - seeded test data
    n_people = int(50_000 * scale)
    n_enrollments = int(120_000 * scale)
    n_statements = int(1_000_000 * scale)
    today = now.date()
    users = get_user_model().objects.bulk_create(
        (
            get_user_model()(
                username=f"p{u}",
                password=make_password(None),  # unusable: they never sign in here
                first_name=f"Persona {u}",
                last_name="Prueba",
                date_joined=now - timedelta(days=rng.randint(0, 400)),
            )
            for u in range(n_people)
        ),
        batch_size=5000,
    )
    ids = [u.pk for u in users]
    PersonProfile.objects.bulk_create(
        (
            PersonProfile(
                user_id=u.pk,
                registered_at=u.date_joined,
                gender=rng.choice(GENDERS),
                birth_date=today - timedelta(days=rng.randint(14 * 365, 80 * 365)),
                ethnic_group=rng.choice(ETHNIC),
                has_disability=rng.random() < 0.07,
                is_victim=rng.random() < 0.1,
                is_lgbtiq=rng.random() < 0.05,
                is_rural=rng.random() < 0.04,
            )
            for u in users
        ),
        batch_size=5000,
    )
    home = {u: rng.choice(schemas) for u in ids}
    seen: set[tuple[str, int, str]] = set()
    by_schema: dict[str, list] = {s: [] for s in schemas}
    while len(seen) < n_enrollments:
        user = rng.choice(ids)
        schema = home[user] if rng.random() < 0.9 else rng.choice(schemas)
        key = (schema, user, rng.choice(COURSES))
        if key in seen:
            continue
        seen.add(key)
        enrolled = now - timedelta(
            days=rng.randint(0, 180), minutes=rng.randint(0, 999)
        )
        done = enrolled + timedelta(days=30) if rng.random() < 0.45 else None
        done = done if done and done < now else None
        withdrawn = None
        if done is None and rng.random() < 0.1:
            withdrawn = enrolled + timedelta(days=rng.randint(1, 20))
            withdrawn = withdrawn if withdrawn < now else None
        certified = done + timedelta(hours=1) if done and rng.random() < 0.8 else None
        by_schema[schema].append((user, key[2], enrolled, withdrawn, done, certified))
    reporting_rows, reporting_days = [], set()
    statements_per_schema = n_statements // len(schemas)
    for number, schema in enumerate(schemas, start=1):
        rows = by_schema[schema]
        with tenants_api.in_locality(schema):
            for course in COURSES:
                if course in PUBLISHED:
                    courses_api.create_course(f"Curso {course}", key=course)
                    courses_api.add_module(course, "Módulo", key=f"{course}-m")
                    for lesson in LESSONS:
                        courses_api.add_lesson(
                            f"{course}-m", lesson, key=f"{course}-{lesson}"
                        )
                    continue
                learning_api.set_course_rule(
                    course,
                    version=1,
                    title=course,
                    url="",
                    lessons=[
                        LessonRef(
                            key=f"{course}-{k}",
                            title=k,
                            url="",
                            module_key="m",
                            module_title="M",
                            required=True,
                        )
                        for k in LESSONS
                    ],
                )
            _copy(
                "learning_enrollment",
                "user_id, course_key, status, enrolled_at, activated_at, withdrawn_at",
                (
                    (u, c, "withdrawn" if w else "active", e, e, w)
                    for u, c, e, w, _, _ in rows
                ),
            )
            _copy(
                "learning_coursecompletion",
                "user_id, course_key, course_version, completed_at, rule",
                ((u, c, 1, d, "{}") for u, c, _, _, d, _ in rows if d),
            )
            _copy(
                "certificates_certificate",
                "uuid, code, user_id, course_key, course_version, completed_at,"
                " issued_at, holder_name, document_type, document_last_digits,"
                " course_title, hours, locality_name, pdf, revocation_reason",
                (
                    (
                        uuid.uuid4(),
                        f"B{number}-{i}",
                        u,
                        c,
                        1,
                        d,
                        z,
                        f"Persona {u}",
                        "",
                        "",
                        c,
                        10,
                        schema,
                        "",
                        "",
                    )
                    for i, (u, c, _, _, d, z) in enumerate(rows)
                    if z
                ),
            )
            # Activity: sessions of about 8 statements on a learner's active day.
            days = set()
            statements = []
            while len(statements) < statements_per_schema:
                u, c, enrolled, withdrawn, done, _ = rng.choice(rows)
                end = min(x for x in (withdrawn, done, now) if x)
                span = max(int((end - enrolled).total_seconds() // 60), 1)
                at = enrolled + timedelta(minutes=rng.randint(0, span))
                days.add((u, c, timezone.localdate(at)))
                for k in range(8):
                    statements.append((u, c, at + timedelta(seconds=40 * k)))
            _copy(
                "learning_activeday",
                "user_id, course_key, day",
                iter(days),
            )
            _copy(
                "learning_xapistatement",
                "statement_id, user_id, activity_key, verb, counts_for_activity,"
                " statement, stored_at",
                (
                    (
                        sid,
                        u,
                        f"h5p:{c}",
                        "http://adlnet.gov/expapi/verbs/answered",
                        True,
                        f'{{"id": "{sid}"}}',
                        at,
                    )
                    for sid, (u, c, at) in ((uuid.uuid4(), st) for st in statements)
                ),
            )
        reporting_days.update((schema, u, d) for u, _, d in days)
        reporting_rows.extend(
            LearnerCourse(
                schema_name=schema,
                user_id=u,
                course_key=c,
                is_enrolled=w is None,
                first_enrolled_at=e,
                enrollment_changed_at=w or e,
                completed_at=d,
                certified_at=z,
            )
            for u, c, e, w, d, z in rows
        )
    LearnerCourse.objects.bulk_create(reporting_rows, batch_size=5000)
    LearnerDay.objects.bulk_create(
        (LearnerDay(schema_name=s, user_id=u, day=d) for s, u, d in reporting_days),
        batch_size=10000,
    )
    # The per-person summaries and the counts the events would have kept (same
    # SQL as the recount).
    from django.db import transaction

    from reporting.summaries import rebuild_summaries

    with transaction.atomic():
        rebuild_summaries()
        from reporting.facet_tallies import rebuild_all_tallies

        rebuild_all_tallies(timezone.localdate())
    print(
        f"seeded: {n_people} people, {len(reporting_rows)} enrollments,"
        f" {statements_per_schema * len(schemas)} statements,"
        f" {len(reporting_days)} active (locality, person, day)"
    )
    return ids
