"""Assertions shared by the tests: a refusal must be a refusal, not a detour."""

from __future__ import annotations


def assert_refused_by_admin(response) -> None:
    """Wagtail refuses a signed-in person without the permission with 403, or by
    sending them to the admin's home with a message; never to the sign-in page
    (that would mean the session was lost, and the test proved nothing)."""
    location = response.get("Location", "") if response.status_code == 302 else ""
    assert response.status_code == 403 or location == "/admin/", (
        response.status_code,
        location,
    )


def released(callbacks: list) -> list:
    """After-commit callbacks, without the page cache's refresh (ADR 0026), which
    any transaction that saves a page adds once."""
    from courses.page_cache import new_generation

    return [callback for callback in callbacks if callback is not new_generation]
