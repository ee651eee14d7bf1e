"""Media on S3-compatible object storage (django-storages), per locality.

Keys mirror the folders of the filesystem storages, so a bucket and a
``MEDIA_ROOT`` hold the same names and a backup of one restores into the other:

- public media: ``<prefix>/<schema>/<name>`` in the media bucket, published
  read-only under ``MEDIA_URL`` by the proxy in front (nginx, a CDN);
- private files: the same layout in a bucket nobody reads but Django
  (certificate PDFs, uploads waiting to be imported);
- every locality's media, addressed by ``<schema>/<name>``: how one locality
  reads a file another stored (a course release reads the campus's images).

The schema is read on every call, never cached: the same storage object serves
every locality a process works for, one after another.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class _PrefixedS3Storage(S3Storage):
    """An S3 storage whose ``location`` is a fixed prefix plus, maybe, the schema."""

    per_locality = False

    @property
    def location(self) -> str:
        parts = [getattr(self, "_prefix", "")]
        if self.per_locality:
            parts.append(connection.schema_name)
        return "/".join(p for p in parts if p)

    @location.setter
    def location(self, value: str) -> None:
        # django-storages sets ``location`` from its options at construction.
        self._prefix = (value or "").strip("/")

    def key(self, name: str) -> str:
        """The object key a stored name has in the bucket."""
        return self._normalize_name(clean_name(name))


class LocalityS3Storage(_PrefixedS3Storage):
    """Public media of the active locality (``STORAGES["default"]``).

    URLs are ``MEDIA_URL`` + key, on the site's own origin: the proxy maps
    ``/media/`` to the bucket, so pages keep ``img-src 'self'`` (ADR 0013) and
    no signature or bucket address shows in the HTML.
    """

    per_locality = True
    querystring_auth = False

    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        key = self.key(name)
        prefix = f"{self._prefix}/" if self._prefix else ""
        return settings.MEDIA_URL + filepath_to_uri(key.removeprefix(prefix))


class PrivateLocalityS3Storage(_PrefixedS3Storage):
    """Files with personal data of the active locality (``STORAGES["private"]``).

    In a bucket without public access; only views that check who is asking read
    them, so there is no URL to leak.
    """

    per_locality = True

    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        raise ValueError(
            f"«{name}» es un archivo privado: no tiene dirección pública; sírvalo "
            "desde una vista que compruebe el acceso."
        )


class CityMediaS3Storage(_PrefixedS3Storage):
    """Every locality's public media by ``<schema>/<name>`` (``STORAGES["city_media"]``)."""

    querystring_auth = False
