"""Python API of the courses app: authoring, releases to localities, the catalog.

All functions act on the schema that is active when they are called. City courses
are authored at the city campus and released to localities (``release_course``):
a background job copies the frozen snapshot into each locality in one transaction
per locality, so a failed copy leaves the previous version serving. Courses,
modules and lessons keep stable keys across versions and localities.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.query import PageQuerySet

from lms.learning import api as learning_api
from lms.locality_roles import api as roles_api
from tenants import api as tenants_api

from . import publishing as _publishing
from . import quizzes as _quizzes
from .data import (
    CourseSummary,
    LessonNavigation,
    LessonOutline,
    ModuleOutline,
    ReleaseData,
    ReleaseTargetData,
    Syllabus,
)
from .models import CoursePage as _CoursePage
from .models import CourseRelease as _CourseRelease
from .models import CourseReleaseTarget as _Target
from .models import LearningPathCourse as _LearningPathCourse
from .models import LearningPathPage as _LearningPathPage
from .models import LessonPage as _LessonPage
from .models import Modality as _Modality
from .models import ModulePage as _ModulePage
from .models import Theme as _Theme

__all__ = [
    "CourseError",
    "QuizNotSaved",
    "ReleaseNotFound",
    "add_lesson",
    "add_module",
    "add_quiz_to_lesson",
    "catalog_filter_choices",
    "create_course",
    "create_learning_path",
    "get_lesson_navigation",
    "get_release",
    "get_syllabus",
    "has_course",
    "hide_city_course",
    "learner_course_context",
    "list_catalog",
    "list_learning_paths",
    "list_releases",
    "open_cohort",
    "record_lesson_view",
    "release_course",
    "run_release",
    "search_catalog",
    "show_city_course",
    "sync_learning_rule",
]

logger = logging.getLogger(__name__)


class ReleaseNotFound(LookupError):
    """No release has that id in the active schema."""


class CourseError(ValueError):
    """A course operation cannot be done; the message (Spanish) says why and what to do."""


# Publishing a lesson whose quiz cannot be saved (a body written by code).
QuizNotSaved = _quizzes.QuizNotSaved


# --- Authoring ---------------------------------------------------------------------


@transaction.atomic
def create_course(
    title: str,
    *,
    key: str | None = None,
    summary: str = "",
    theme: str = "gobierno_abierto",
    estimated_hours: float = 1,
    modality: str = "virtual",
    level: str = "basico",
    completion_min_score: int | None = None,
    completion_min_attendance: int | None = None,
) -> CourseSummary:
    """Create and publish a course under the active locality's home page."""
    home = _publishing.locality_home_page()
    if home is None:
        raise CourseError(
            "Esta localidad aún no tiene sitio: espere a que termine de crearse."
        )
    course = _CoursePage(
        title=title,
        key=key or slugify(title)[:80],
        summary=summary,
        theme=theme,
        estimated_hours=Decimal(str(estimated_hours)),
        modality=modality,
        level=level,
        completion_min_score=completion_min_score,
        completion_min_attendance=completion_min_attendance,
    )
    home.add_child(instance=course)
    course.save_revision().publish()
    sync_learning_rule(course.key)
    return _to_summary(course)


@transaction.atomic
def add_module(
    course_key: str, title: str, *, key: str | None = None, summary: str = ""
) -> str:
    """Add a published module at the end of a course; returns its key."""
    course = _CoursePage.objects.get(key=course_key)
    module = _ModulePage(
        title=title, key=key or f"{course_key}--{slugify(title)}"[:120], summary=summary
    )
    course.add_child(instance=module)
    module.save_revision().publish()
    sync_learning_rule(course_key)
    return module.key


@transaction.atomic
def add_lesson(
    module_key: str,
    title: str,
    *,
    key: str | None = None,
    body: list[tuple[str, object]] | None = None,
    is_required: bool = True,
    estimated_minutes: int = 15,
) -> str:
    """Add a published lesson at the end of a module; returns its key.

    ``body`` is a list of (block type, raw value) pairs, e.g.
    ``[("text", "<p>…</p>"), ("figure", {"image": 3, "alt_text": "…"})]``.
    """
    module = _ModulePage.objects.get(key=module_key)
    lesson = _LessonPage(
        title=title,
        key=key or f"{module_key}--{slugify(title)}"[:160],
        # Raw StreamField data: values as stored (ids for images and documents).
        body=[{"type": kind, "value": value} for kind, value in body or []],
        is_required=is_required,
        estimated_minutes=estimated_minutes,
    )
    module.add_child(instance=lesson)
    lesson.save_revision().publish()
    sync_learning_rule(module.get_parent().specific.key)
    return lesson.key


@transaction.atomic
def add_quiz_to_lesson(lesson_key: str, quiz: dict[str, object]) -> bool:
    """Append a quiz block (raw value) to a lesson and publish it, unless the lesson
    already has a quiz with that key (or does not exist here). True if added.

    Publishing saves the quiz to the learning records and the course rule grades it.
    """
    lesson = _LessonPage.objects.filter(key=lesson_key).first()
    if lesson is None:
        return False
    if quiz.get("key") and any(
        existing["key"] == quiz["key"] for existing in _quizzes.lesson_quizzes(lesson)
    ):
        return False
    block = _LessonPage._meta.get_field("body").stream_block.child_blocks[
        _quizzes.QUIZ_BLOCK_NAME
    ]
    lesson.body.append((_quizzes.QUIZ_BLOCK_NAME, block.to_python(quiz)))
    lesson.save_revision().publish()
    sync_learning_rule(_CoursePage.objects.ancestor_of(lesson).get().key)
    return True


@transaction.atomic
def create_learning_path(
    title: str, *, course_keys: list[str], key: str | None = None, intro: str = ""
) -> str:
    """Create a learning path of existing courses, in the given order."""
    home = _publishing.locality_home_page()
    path = _LearningPathPage(title=title, key=key or slugify(title)[:80], intro=intro)
    courses = {c.key: c for c in _CoursePage.objects.filter(key__in=course_keys)}
    missing = [k for k in course_keys if k not in courses]
    if missing:
        raise CourseError(f"No existen estos cursos: {', '.join(missing)}.")
    path.path_courses = [
        _LearningPathCourse(course=courses[k], sort_order=i)
        for i, k in enumerate(course_keys)
    ]
    home.add_child(instance=path)
    path.save_revision().publish()
    return path.key


def sync_learning_rule(course_key: str) -> None:
    """Tell the learning records (below) the course's outline and completion rule.

    Called whenever a course is published here or a release reaches the
    locality. Graded activities are the blocks of offered lessons that carry an
    ``activity_key`` (H5P activities, native quizzes); everything is by stable
    key, so a new version keeps every learner's progress.
    """
    course = _CoursePage.objects.get(key=course_key)
    syllabus = get_syllabus(course_key)
    lessons = (
        _LessonPage.objects.descendant_of(course)
        .live()
        .filter(is_retired=False)
        .only("body")
    )
    # Once each, in order: the same activity in two lessons is one grade.
    graded = list(
        dict.fromkeys(
            key
            for lesson in lessons
            for block in lesson.body
            if (key := getattr(block.value, "activity_key", None))
        )
    )
    learning_api.set_course_rule(
        course.key,
        version=course.version,
        title=course.title,
        url=course.get_url() or "",
        lessons=[
            learning_api.LessonRef(
                key=lesson.key,
                title=lesson.title,
                url=lesson.url,
                module_key=module.key,
                module_title=module.title,
                required=lesson.is_required,
            )
            for module in syllabus.modules
            for lesson in module.lessons
        ],
        graded_activity_keys=graded,
        min_score=course.completion_min_score,
        min_attendance=course.completion_min_attendance,
    )


def _ensure_rule(course_key: str) -> None:
    # Courses published before the learning records existed get their rule now.
    if learning_api.get_course_rule_version(course_key) is None:
        sync_learning_rule(course_key)


def record_lesson_view(course_key: str, lesson_key: str, user) -> None:
    """A signed-in learner opened an offered lesson: record it (auto-enrolls).

    Staff with access to this locality's admin (editors, trainers, facilitators,
    managers) open lessons to check them: their views are recorded only once they
    enrolled themselves (the course page's «Inscribirme»), so checking a course
    never enrolls anyone or counts toward the program's figures.
    """
    if not getattr(user, "is_authenticated", False):
        return
    if (
        user.has_perm("wagtailadmin.access_admin")
        and learning_api.get_enrollment(user.pk, course_key) is None
    ):
        return
    _ensure_rule(course_key)
    try:
        learning_api.record_lesson_view(user.pk, course_key, lesson_key)
    except learning_api.LearningError:
        # Published after the rule was taken: a fresh sync includes it. A lesson
        # still outside the offered outline (e.g. its module is unpublished) is
        # shown but not counted; the page must not fail for that.
        sync_learning_rule(course_key)
        try:
            learning_api.record_lesson_view(user.pk, course_key, lesson_key)
        except learning_api.LearningError:
            logger.info("Lección %s fuera del temario de %s", lesson_key, course_key)


def learner_course_context(course_key: str, user) -> dict[str, object]:
    """What the course page shows a learner: enrollment, progress, where to go on,
    and ``state``, the one thing the page offers next:

    - ``visitor``: not signed in (sign in to enroll);
    - ``not_enrolled``: «Inscribirme» (also after withdrawing);
    - ``waiting``: on a cohort's waiting list;
    - ``in_progress``: «Continuar» to the next lesson;
    - ``missing``: every lesson read but not passed; ``missing`` says why, in
      Spanish (a required score or attendance);
    - ``passed``: the course is approved (its certificate follows).
    """
    if not getattr(user, "is_authenticated", False):
        return {"state": "visitor"}
    _ensure_rule(course_key)
    enrollment = learning_api.get_enrollment(user.pk, course_key)
    progress = learning_api.get_course_progress(user.pk, course_key)
    missing: tuple[str, ...] = ()
    if progress.completed_at is not None:
        state = "passed"
    elif enrollment is None:
        state = "not_enrolled"
    elif enrollment.status == "waiting":
        state = "waiting"
    elif progress.lessons_done and progress.continue_url is None:
        # Nothing left to read: say what else the rule asks, without recording.
        state = "missing"
        missing = learning_api.check_completion(user.pk, course_key).missing
    else:
        state = "in_progress"
    return {
        "enrollment": enrollment,
        "progress": progress if enrollment or progress.lessons_done else None,
        "continue_url": progress.continue_url if progress.lessons_done else None,
        "state": state,
        "missing": missing,
    }


@transaction.atomic
def open_cohort(
    course_key: str,
    name: str,
    *,
    facilitator_id: int,
    starts_on: date,
    ends_on: date,
    capacity: int,
    schedule: str = "",
    place: str = "",
) -> learning_api.CohortData:
    """Open a cohort ("grupo") of a course here, run by a facilitator of this locality.

    The role check lives here: the learning records sit beside the locality roles
    in the layers and do not import them.
    """
    if roles_api.Role.FACILITATOR not in roles_api.roles_of(facilitator_id):
        raise CourseError(
            "Esa persona no tiene el rol de facilitador en esta localidad; "
            "asígneselo primero y vuelva a crear el grupo."
        )
    _ensure_rule(course_key)
    return learning_api.create_cohort(
        course_key,
        name,
        facilitator_id=facilitator_id,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        schedule=schedule,
        place=place,
    )


# --- Releases to localities ----------------------------------------------------------


@transaction.atomic
def release_course(
    course_key: str,
    *,
    schema_names: list[str] | None = None,
    requested_by_id: int | None = None,
) -> ReleaseData:
    """Release the next version of a campus course to all or chosen localities.

    Freezes the course as it is now and schedules the copy (after commit). Refused,
    with a message, outside the campus, for an unpublished course, for unknown
    localities, or while another release of the same course is still running.
    """
    if tenants_api.current_schema() != settings.CITY_CAMPUS_SCHEMA:
        raise CourseError(
            "Solo el campus de la ciudad publica cursos en las localidades."
        )
    course = _CoursePage.objects.select_for_update().filter(key=course_key).first()
    if course is None or not course.live:
        raise CourseError(
            f"El curso «{course_key}» no existe o no está publicado en el campus."
        )
    active = course.releases.filter(status__in=["pending", "running"]).first()
    if active:
        raise CourseError(
            f"Ya hay una publicación en curso de este curso (versión {active.version}). "
            "Espere a que termine y vuelva a intentarlo."
        )
    localities = {
        loc.schema_name: loc
        for loc in tenants_api.list_localities(include_campus=False)
    }
    chosen = list(localities) if not schema_names else schema_names
    unknown = [name for name in chosen if name not in localities]
    if unknown:
        raise CourseError(f"Localidades desconocidas: {', '.join(unknown)}.")
    if not chosen:
        raise CourseError("Elija al menos una localidad.")

    course.version += 1
    course.save(update_fields=["version"])
    try:
        with transaction.atomic():
            release = _CourseRelease.objects.create(
                course=course,
                version=course.version,
                requested_by_id=requested_by_id,
                snapshot=_publishing.snapshot_course(course),
            )
    except IntegrityError as exc:  # two trainers pressed "publish" at the same instant
        raise CourseError(
            "Ya hay una publicación en curso de este curso. Espere a que termine."
        ) from exc
    _Target.objects.bulk_create(
        _Target(release=release, schema_name=name, locality_name=localities[name].name)
        for name in sorted(chosen, key=lambda n: localities[n].name)
    )
    from .tasks import run_release as run_release_task

    transaction.on_commit(lambda: run_release_task.delay(release.pk))
    return get_release(release.pk)


def run_release(release_id: int) -> ReleaseData:
    """Copy a release into each of its localities (the background job's body).

    Each locality is one transaction; a failure there is recorded with its reason
    and leaves that locality on its previous version. Safe to run again: localities
    already done are skipped.
    """
    release = (
        _CourseRelease.objects.select_related("course").filter(pk=release_id).first()
    )
    if release is None:
        raise ReleaseNotFound(release_id)
    _CourseRelease.objects.filter(pk=release.pk).update(status="running")
    for target in release.targets.exclude(status="done").order_by("locality_name"):
        _copy_to_target(release, target)
    failed = release.targets.exclude(status="done").exists()
    _CourseRelease.objects.filter(pk=release.pk).update(
        status="failed" if failed else "done", finished_at=timezone.now()
    )
    return get_release(release.pk)


def _copy_to_target(release: _CourseRelease, target: _Target) -> None:
    _Target.objects.filter(pk=target.pk).update(status="copying", message="")
    started = time.perf_counter()
    try:
        with tenants_api.in_locality(target.schema_name):
            result = _publishing.apply_snapshot(release.snapshot)
    except _publishing.LocalityNotReady:
        status, message = (
            "failed",
            ("La localidad aún se está creando; vuelva a publicar cuando termine."),
        )
    except Exception as exc:  # recorded for the admin; other localities go on
        logger.exception("Copia de %s a %s falló", release, target.schema_name)
        status, message = "failed", f"No se pudo copiar: {exc}"
    else:
        status = "done"
        message = (
            f"{result.created_lessons} lecciones nuevas, "
            f"{result.updated_lessons} actualizadas"
        )
        if result.retired_lessons:
            message += (
                f", {len(result.retired_lessons)} retiradas "
                f"({', '.join(result.retired_lessons)}): quien estaba en ellas verá un "
                "aviso y conserva su avance"
            )
    _Target.objects.filter(pk=target.pk).update(
        status=status,
        message=message,
        seconds=time.perf_counter() - started,
        finished_at=timezone.now(),
    )


def get_release(release_id: int) -> ReleaseData:
    release = _CourseRelease.objects.select_related("course").get(pk=release_id)
    return ReleaseData(
        release_id=release.pk,
        course_key=release.course.key,
        course_title=release.course.title,
        version=release.version,
        status=release.status,
        status_label=release.get_status_display(),
        targets=tuple(
            ReleaseTargetData(
                schema_name=t.schema_name,
                locality_name=t.locality_name,
                status=t.status,
                status_label=t.get_status_display(),
                message=t.message,
                seconds=t.seconds,
            )
            for t in release.targets.all()
        ),
    )


def list_releases(course_key: str) -> list[ReleaseData]:
    ids = _CourseRelease.objects.filter(course__key=course_key).values_list(
        "pk", flat=True
    )
    return [get_release(pk) for pk in ids]


# --- Locality choices ------------------------------------------------------------------


@transaction.atomic
def hide_city_course(course_key: str) -> None:
    """Stop offering a city course in the active locality (a new version keeps it hidden)."""
    _set_hidden(course_key, True)


@transaction.atomic
def show_city_course(course_key: str) -> None:
    _set_hidden(course_key, False)


def _set_hidden(course_key: str, hidden: bool) -> None:
    course = _CoursePage.objects.filter(key=course_key).first()
    if course is None or not course.is_city_copy:
        raise CourseError(
            "Solo los cursos de la ciudad se ocultan; los cursos locales se despublican."
        )
    course.is_hidden_locally = hidden
    course.save(update_fields=["is_hidden_locally"])


# --- Catalog and navigation --------------------------------------------------------------


def _offered() -> PageQuerySet:
    return _CoursePage.objects.live().public().filter(is_hidden_locally=False)


def list_catalog(
    *,
    query: str | None = None,
    theme: str | None = None,
    modality: str | None = None,
    max_hours: float | None = None,
) -> list[CourseSummary]:
    """The active locality's offered courses, filtered; full-text search when ``query``."""
    courses = _offered().order_by("path")
    if theme:
        courses = courses.filter(theme=theme)
    if modality:
        courses = courses.filter(modality=modality)
    if max_hours is not None:
        courses = courses.filter(estimated_hours__lte=max_hours)
    if query:
        return [_to_summary(page) for page in courses.search(query)]
    return [_to_summary(page) for page in courses.select_related("cover_image")]


def catalog_filter_choices() -> dict[str, list[tuple[str, str]]]:
    """(value, label) pairs for the catalog's theme and modality filters."""
    return {"themes": list(_Theme.choices), "modalities": list(_Modality.choices)}


def search_catalog(query: str) -> list[CourseSummary]:
    """Full-text search over the active locality's offered courses."""
    return list_catalog(query=query)


def has_course(course_key: str) -> bool:
    """Whether the active locality has this course (offered or hidden)."""
    return _CoursePage.objects.filter(key=course_key).exists()


def list_learning_paths() -> list[tuple[str, str, list[str]]]:
    """(key, title, course keys in order) of the active locality's live paths."""
    paths = (
        _LearningPathPage.objects.live()
        .order_by("path")
        .prefetch_related("path_courses__course")
    )
    return [
        (p.key, p.title, [item.course.key for item in p.path_courses.all()])
        for p in paths
    ]


def get_syllabus(course_key: str) -> Syllabus:
    """Modules and offered lessons of a course, in order (two queries)."""
    course = _CoursePage.objects.get(key=course_key)
    modules = list(_ModulePage.objects.child_of(course).live().order_by("path"))
    lessons = (
        _LessonPage.objects.descendant_of(course)
        .live()
        .filter(is_retired=False)
        .order_by("path")
    )
    by_module: dict[str, list[LessonOutline]] = {m.path: [] for m in modules}
    for lesson in lessons:
        parent_path = lesson.path[: -_LessonPage.steplen]
        if parent_path in by_module:
            by_module[parent_path].append(_to_outline(lesson))
    return Syllabus(
        course_key=course.key,
        version=course.version,
        modules=tuple(
            ModuleOutline(
                key=m.key,
                title=m.title,
                summary=m.summary,
                lessons=tuple(by_module[m.path]),
            )
            for m in modules
        ),
    )


def get_lesson_navigation(lesson_key: str) -> LessonNavigation:
    """Where a lesson sits in its course: position, previous and next lesson."""
    lesson = _LessonPage.objects.get(key=lesson_key)
    course = _CoursePage.objects.ancestor_of(lesson).get()
    module = lesson.get_parent()
    ordered = get_syllabus(course.key).lessons
    keys = [item.key for item in ordered]
    index = keys.index(lesson.key) if lesson.key in keys else -1
    return LessonNavigation(
        course_key=course.key,
        course_title=course.title,
        course_url=course.get_url() or "",
        module_title=module.title,
        position=index + 1,
        total=len(ordered),
        previous=ordered[index - 1] if index > 0 else None,
        next=ordered[index + 1] if 0 <= index < len(ordered) - 1 else None,
    )


def _to_outline(lesson: _LessonPage) -> LessonOutline:
    return LessonOutline(
        key=lesson.key,
        title=lesson.title,
        url=lesson.get_url() or "",
        is_required=lesson.is_required,
        estimated_minutes=lesson.estimated_minutes,
    )


def _to_summary(page: _CoursePage) -> CourseSummary:
    return CourseSummary(
        page_id=page.pk,
        key=page.key,
        title=page.title,
        summary=page.summary,
        url=page.get_url() or "",
        theme=page.theme,
        theme_label=page.get_theme_display(),
        estimated_hours=float(page.estimated_hours),
        modality=page.modality,
        modality_label=page.get_modality_display(),
        level_label=page.get_level_display(),
        version=page.version,
        is_city_copy=page.is_city_copy,
        is_hidden_locally=page.is_hidden_locally,
    )
