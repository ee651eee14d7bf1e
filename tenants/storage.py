"""Per-locality storages on disk: media under MEDIA_ROOT/<schema>/, private files
under PRIVATE_MEDIA_ROOT/<schema>/ (development and tests; production keeps the
same names in object storage, ``tenants.object_storage``).

Code never asks a stored file for its local path: a worker on another machine
has no such path. Files are opened through the storage API, and a file of
another locality by its key ``<schema>/<name>`` (``media_key``, ``open_media``).

django-tenants' storage caches its root and forgets to recompute it when
``MEDIA_ROOT`` itself changes (only ``MULTITENANT_RELATIVE_MEDIA_ROOT`` resets it),
so a changed MEDIA_ROOT (tests, a reconfigured process) kept writing to the old
folder. This subclass resets it for both.
"""

import os

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import connection
from django.utils.functional import LazyObject, cached_property, empty
from django_tenants.files.storage import TenantFileSystemStorage


class LocalityFileSystemStorage(TenantFileSystemStorage):
    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting in ("MEDIA_ROOT", "MEDIA_URL"):
            self.__dict__.pop("relative_media_root", None)
            self.__dict__.pop("relative_media_url", None)


class PrivateLocalityFileSystemStorage(LocalityFileSystemStorage):
    """Per-locality files that no URL serves: ``PRIVATE_MEDIA_ROOT/<schema>/``.

    For files with personal data (certificate PDFs): they live outside
    ``MEDIA_ROOT``, which a web server may publish as it is, and are read only
    by views that check who is asking.
    """

    @cached_property
    def relative_media_root(self):
        return os.path.join(
            settings.PRIVATE_MEDIA_ROOT, settings.MULTITENANT_RELATIVE_MEDIA_ROOT
        )

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("relative_media_root", None)

    def url(self, name):
        raise ValueError(
            f"«{name}» es un archivo privado: no tiene dirección pública; sírvalo "
            "desde una vista que compruebe el acceso."
        )


class _PrivateStorage(LazyObject):
    """``STORAGES["private"]``, looked up when first used (and again after a
    test changes ``STORAGES``), like Django's ``default_storage``."""

    def _setup(self):
        self._wrapped = storages["private"]


_private_storage = _PrivateStorage()


def _forget_storages(*, setting, **kwargs) -> None:
    if setting == "STORAGES":
        _private_storage._wrapped = empty


setting_changed.connect(_forget_storages)


def private_storage() -> _PrivateStorage:
    """The private storage, for ``FileField(storage=...)`` (a callable keeps
    migrations free of the storage's settings)."""
    return _private_storage


def media_key(name: str) -> str:
    """The city-wide key of a file the active locality stored: ``<schema>/<name>``.

    Another locality (a worker copying a course release) opens it with
    ``open_media``, whichever machine it runs on.
    """
    return f"{connection.schema_name}/{name}"


def open_media(key: str) -> File:
    """Open (read, binary) a public media file of any locality by its key."""
    return storages["city_media"].open(key, "rb")
