"""Per-locality storages: media under MEDIA_ROOT/<schema>/, private files under
PRIVATE_MEDIA_ROOT/<schema>/.

django-tenants' storage caches its root and forgets to recompute it when
``MEDIA_ROOT`` itself changes (only ``MULTITENANT_RELATIVE_MEDIA_ROOT`` resets it),
so a changed MEDIA_ROOT (tests, a reconfigured process) kept writing to the old
folder. This subclass resets it for both.
"""

import os

from django.conf import settings
from django.utils.functional import cached_property
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


_private_storage = PrivateLocalityFileSystemStorage()


def private_storage() -> PrivateLocalityFileSystemStorage:
    """The private storage, for ``FileField(storage=...)`` (a callable keeps
    migrations free of the storage's settings)."""
    return _private_storage
