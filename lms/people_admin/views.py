"""Wagtail's «Usuarios» screens, scoped to the site and the roles table.

The platform administrator gets Wagtail's screens and forms (all accounts, the
platform flags, every group). Everyone else sees only the people of this site
(``scope.people_visible_to``), with documents masked, registers people without
platform flags or passwords, and changes only the roles they may grant.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn
from wagtail.admin.utils import get_user_display_name
from wagtail.log_actions import log
from wagtail.users.views import users as wagtail_users

from lms.accounts import api as accounts_api
from lms.locality_roles import api as roles_api
from tenants import api as tenants_api

from . import scope, search
from .forms import LocalityRolesForm, RegisterPersonForm

DOCUMENT_SEARCH_ACTION = search.DOCUMENT_SEARCH_ACTION


class IndexView(wagtail_users.IndexView):
    """Only this site's people; documents masked; search by document logged."""

    def get_base_queryset(self) -> Any:
        return scope.people_visible_to(self.request.user).prefetch_related("groups")

    @cached_property
    def columns(self) -> list[Any]:
        name_column = self._get_title_column_class(wagtail_users.UserColumn)
        columns = [
            name_column(
                "name",
                accessor=get_user_display_name,
                label=gettext_lazy("Nombre"),
                sort_key="name",
                get_url=self.get_edit_url,
                classname="name",
            ),
            Column(
                "document",
                accessor=scope.masked_document,
                label=gettext_lazy("Documento"),
                width="15%",
            ),
            Column(
                "roles",
                accessor=lambda person: ", ".join(
                    sorted(
                        roles_api.role_label(group.name)
                        for group in person.groups.all()
                    )
                ),
                label=gettext_lazy("Roles aquí"),
                width="20%",
            ),
            DateColumn(
                "last_login",
                label=gettext_lazy("Último ingreso"),
                sort_key="last_login",
                width="15%",
            ),
        ]
        if self.request.user.is_superuser:
            # Bulk actions reach every account: the platform administrator's.
            columns.insert(
                0, BulkActionsCheckboxColumn("bulk_actions", obj_type="user")
            )
        return columns

    def get_edit_url(self, instance: Any) -> str | None:
        if scope.may_change(self.request.user, instance):
            return super().get_edit_url(instance)
        return None

    def search_queryset(self, queryset: Any) -> Any:
        if not self.is_searching:
            return queryset
        return search.find_people(self.request, queryset, self.search_query)


class CreateView(wagtail_users.CreateView):
    """Staff register a person in person; the platform administrator, an account."""

    def get_form_class(self) -> Any:
        if self.request.user.is_superuser:
            return super().get_form_class()
        return RegisterPersonForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if not self.request.user.is_superuser:
            kwargs["for_user"] = self.request.user
        return kwargs

    def get_template_names(self) -> list[str]:
        if self.request.user.is_superuser:
            return super().get_template_names()
        return ["people_admin/register.html"]

    def save_instance(self) -> Any:
        if self.request.user.is_superuser:
            return super().save_instance()
        data = self.form.cleaned_data
        person = accounts_api.register_person(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            password=None,
            document_type=data["document_type"],
            document_number=data["document_number"],
            residence=data["residence"],
            birth_date=data["birth_date"],
            registered_in=tenants_api.current_schema(),
        )
        wanted = {roles_api.Role(value) for value in data.get("roles", [])}
        if wanted:
            roles_api.set_roles(
                self.request.user, person.user_id, wanted, target_is_superuser=False
            )
        return self.model._default_manager.get(pk=person.user_id)

    def form_valid(self, form: Any) -> Any:
        try:
            return super().form_valid(form)
        except accounts_api.RegistrationError as refused:
            for field, message in refused.errors.items():
                form.add_error(field if field in form.fields else None, message)
            return self.form_invalid(form)


class EditView(wagtail_users.EditView):
    """Staff change only the roles they may grant, of people of this site."""

    def get_object(self, queryset: Any = None) -> Any:
        person = super().get_object(queryset)
        actor = self.request.user
        if not actor.is_superuser:
            if not scope.is_visible_to(actor, person.pk):
                raise Http404
            if not scope.may_change(actor, person):
                raise PermissionDenied
        return person

    def get_form_class(self) -> Any:
        if self.request.user.is_superuser:
            return super().get_form_class()
        return LocalityRolesForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if not self.request.user.is_superuser:
            kwargs.pop("editing_self", None)
            kwargs["for_user"] = self.request.user
        return kwargs

    def get_template_names(self) -> list[str]:
        if self.request.user.is_superuser:
            return super().get_template_names()
        return ["people_admin/edit_roles.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["masked_document"] = scope.masked_document(self.object)
        context["may_view_document"] = self.request.user.is_superuser or (
            self.request.user.has_perm(roles_api.VIEW_DOCUMENT)
        )
        return context

    def save_instance(self) -> Any:
        if self.request.user.is_superuser:
            return super().save_instance()
        wanted = {roles_api.Role(value) for value in self.form.cleaned_data["roles"]}
        roles_api.set_roles(
            self.request.user,
            self.object.pk,
            wanted,
            target_is_superuser=self.object.is_superuser,
        )
        return self.object


class DeleteView(wagtail_users.DeleteView):
    """Anonymizing a city-wide account is never a locality's decision."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class HistoryView(wagtail_users.HistoryView):
    def get_object(self) -> Any:
        person = super().get_object()
        if not self.request.user.is_superuser and not scope.is_visible_to(
            self.request.user, person.pk
        ):
            raise Http404
        return person


class UserViewSet(wagtail_users.UserViewSet):
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = DeleteView
    history_view_class = HistoryView

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("documento/<int:pk>/", document_view, name="document"),
        ]


VIEW_DOCUMENT_ACTION = "people.view_document"


def document_view(request: Any, pk: int) -> Any:
    """Show a person's full document after an explicit, logged request (POST)."""
    actor = request.user
    if not (actor.is_superuser or actor.has_perm(roles_api.VIEW_DOCUMENT)):
        raise PermissionDenied
    person = scope.people_visible_to(actor).filter(pk=pk).first()
    if person is None:
        raise Http404
    context = {
        "person_name": get_user_display_name(person),
        "masked_document": scope.masked_document(person),
        "document": None,
    }
    if request.method == "POST":
        log(
            instance=person,
            action=VIEW_DOCUMENT_ACTION,
            user=actor,
            data={"site": tenants_api.current_schema()},
        )
        context["document"] = f"{person.document_type} {person.document_number}"
    return TemplateResponse(request, "people_admin/document.html", context)
