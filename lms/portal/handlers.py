"""Set up a new locality's Wagtail site: its home page, bound to its domain."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from wagtail.models import Page, Site

from .catalog import catalog_cache_keys
from .models import LocalityHomePage


@transaction.atomic
def set_up_locality_site(sender, *, schema_name: str, domain: str, **kwargs) -> None:
    """Runs inside the new locality's schema (tenants.api.provision_locality).

    The template schema carries Wagtail's default "Welcome" page and a default
    site; they are replaced by the locality's own home page and site.
    """
    from tenants import api as tenants_api

    locality = tenants_api.get_locality(schema_name)
    root = Page.get_first_root_node()
    if LocalityHomePage.objects.exists():
        return
    home = root.add_child(
        instance=LocalityHomePage(
            title=locality.name,
            slug="inicio",
            intro=_default_intro(locality.name, is_campus=locality.kind == "campus"),
        )
    )
    Site.objects.all().delete()
    Site.objects.create(
        hostname=domain,
        port=80,
        root_page=home,
        is_default_site=True,
        site_name=locality.name,
    )
    for page in root.get_children().exclude(pk=home.pk):
        page.delete()


def _default_intro(name: str, *, is_campus: bool) -> str:
    if is_campus:
        return (
            "<p>Escuela de participación del IDPAC: aquí se escriben los cursos "
            "de democracia digital, datos abiertos y control social que se "
            "ofrecen en las 20 localidades.</p>"
        )
    return (
        f"<p>Formación en democracia digital, datos abiertos y control social "
        f"para la gente de {name}: aprenda a decidir y vigilar los Fondos de "
        "Desarrollo Local.</p>"
    )


def forget_catalog(sender, instance, **kwargs) -> None:
    """A page (or a course's part) changed: the home page's cached catalog of
    this locality goes. A request that fills the cache between this save and
    its commit keeps the old catalog for at most ``catalog.CACHE_SECONDS``
    (nothing is scheduled on commit: releases count their commit callbacks)."""
    if isinstance(instance, Page) or sender._meta.app_label == "courses":
        cache.delete_many(catalog_cache_keys())
