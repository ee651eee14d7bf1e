"""Values the courses app hands to other apps (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CourseSummary:
    page_id: int
    key: str
    title: str
    summary: str
    url: str
    theme: str
    theme_label: str
    estimated_hours: float
    modality: str
    modality_label: str
    level_label: str
    version: int
    is_city_copy: bool
    is_hidden_locally: bool


@dataclass(frozen=True, slots=True)
class LessonOutline:
    key: str
    title: str
    url: str
    is_required: bool
    estimated_minutes: int


@dataclass(frozen=True, slots=True)
class ModuleOutline:
    key: str
    title: str
    summary: str
    lessons: tuple[LessonOutline, ...]


@dataclass(frozen=True, slots=True)
class Syllabus:
    course_key: str
    version: int
    modules: tuple[ModuleOutline, ...]

    @property
    def lessons(self) -> tuple[LessonOutline, ...]:
        return tuple(lesson for module in self.modules for lesson in module.lessons)


@dataclass(frozen=True, slots=True)
class LessonNavigation:
    course_key: str
    course_title: str
    course_url: str
    module_title: str
    position: int  # 1-based among the course's offered lessons
    total: int
    previous: LessonOutline | None
    next: LessonOutline | None


@dataclass(frozen=True, slots=True)
class ReleaseTargetData:
    schema_name: str
    locality_name: str
    status: str
    status_label: str
    message: str
    seconds: float | None


@dataclass(frozen=True, slots=True)
class ReleaseData:
    release_id: int
    course_key: str
    course_title: str
    version: int
    status: str
    status_label: str
    targets: tuple[ReleaseTargetData, ...]

    @property
    def is_active(self) -> bool:
        return self.status in ("pending", "running")

    @property
    def done_count(self) -> int:
        return sum(1 for target in self.targets if target.status == "done")

    @property
    def can_retry(self) -> bool:
        """Finished with failed localities: they can be copied again alone."""
        return not self.is_active and any(t.status == "failed" for t in self.targets)
