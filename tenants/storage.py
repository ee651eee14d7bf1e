"""Per-locality media storage: files under MEDIA_ROOT/<schema>/.

django-tenants' storage caches its root and forgets to recompute it when
``MEDIA_ROOT`` itself changes (only ``MULTITENANT_RELATIVE_MEDIA_ROOT`` resets it),
so a changed MEDIA_ROOT (tests, a reconfigured process) kept writing to the old
folder. This subclass resets it for both.
"""

from django_tenants.files.storage import TenantFileSystemStorage


class LocalityFileSystemStorage(TenantFileSystemStorage):
    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting in ("MEDIA_ROOT", "MEDIA_URL"):
            self.__dict__.pop("relative_media_root", None)
            self.__dict__.pop("relative_media_url", None)
