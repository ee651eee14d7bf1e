"""City courses copied into a locality are frozen there: only the campus edits them."""

from __future__ import annotations

from wagtail.models import PagePermissionTester


class CityCopyPermissionTester(PagePermissionTester):
    """Nobody edits a city course inside a locality: the next version would undo it.

    The campus is where city courses change. Platform administrators keep their
    rights (to repair), everyone else may only view and hide the course.
    """

    def _frozen(self) -> bool:
        return not self.user.is_superuser

    def can_edit(self):
        return not self._frozen() and super().can_edit()

    def can_delete(self, ignore_bulk=False):
        return not self._frozen() and super().can_delete(ignore_bulk)

    def can_publish(self):
        return not self._frozen() and super().can_publish()

    def can_unpublish(self):
        return not self._frozen() and super().can_unpublish()

    def can_add_subpage(self):
        return not self._frozen() and super().can_add_subpage()

    def can_move(self):
        return not self._frozen() and super().can_move()


class _CityCopyAware:
    """Pages of a copied city course get the frozen permission tester."""

    def belongs_to_city_copy(self) -> bool:
        raise NotImplementedError

    def permissions_for_user(self, user):
        if self.belongs_to_city_copy():
            return CityCopyPermissionTester(user, self)
        return super().permissions_for_user(user)
