"""Where uploaded files live: on disk (development, tests) or in S3-compatible
object storage (production, ``make prod-local``), chosen by the environment.

Three storages, the same names in both cases:

- ``default``: public media of the active locality (images, documents, H5P
  packages, open-data snapshots), ``<schema>/<name>``;
- ``private``: files with personal data of the active locality (certificate
  PDFs, uploads waiting to be imported), never under a public address;
- ``city_media``: every locality's public media by ``<schema>/<name>``, for the
  one locality that reads another's files (a course release reads the campus's).

Object storage is on when ``MEDIA_S3_BUCKET`` is set:

``MEDIA_S3_BUCKET`` / ``MEDIA_S3_PRIVATE_BUCKET`` (public-read through the
proxy / no public access), ``MEDIA_S3_ENDPOINT_URL`` (empty for AWS; e.g.
``http://127.0.0.1:9100`` for the local server), ``MEDIA_S3_ACCESS_KEY_ID``,
``MEDIA_S3_SECRET_ACCESS_KEY``, ``MEDIA_S3_REGION``, ``MEDIA_S3_PREFIX`` (a
folder in the buckets, optional).
"""

from __future__ import annotations

from collections.abc import Mapping


def object_storage_enabled(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("MEDIA_S3_BUCKET", "").strip())


def _s3_options(environ: Mapping[str, str], bucket: str) -> dict:
    return {
        "bucket_name": bucket,
        "location": environ.get("MEDIA_S3_PREFIX", ""),
        "endpoint_url": environ.get("MEDIA_S3_ENDPOINT_URL") or None,
        "access_key": environ.get("MEDIA_S3_ACCESS_KEY_ID") or None,
        "secret_key": environ.get("MEDIA_S3_SECRET_ACCESS_KEY") or None,
        "region_name": environ.get("MEDIA_S3_REGION") or "us-east-1",
        # Names are made unique by Django (a suffix), never silently replaced.
        "file_overwrite": False,
        "signature_version": "s3v4",
        "addressing_style": "path",
    }


def media_storages(environ: Mapping[str, str]) -> dict[str, dict]:
    """``STORAGES`` entries for uploaded files (``staticfiles`` is set apart)."""
    if not object_storage_enabled(environ):
        return {
            "default": {"BACKEND": "tenants.storage.LocalityFileSystemStorage"},
            "private": {"BACKEND": "tenants.storage.PrivateLocalityFileSystemStorage"},
            # Follows MEDIA_ROOT (Django's own storage, no location of its own).
            "city_media": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        }
    public = _s3_options(environ, environ["MEDIA_S3_BUCKET"].strip())
    private = _s3_options(
        environ,
        environ.get("MEDIA_S3_PRIVATE_BUCKET", "").strip()
        or environ["MEDIA_S3_BUCKET"].strip() + "-private",
    )
    return {
        "default": {
            "BACKEND": "tenants.object_storage.LocalityS3Storage",
            "OPTIONS": public,
        },
        "private": {
            "BACKEND": "tenants.object_storage.PrivateLocalityS3Storage",
            "OPTIONS": private,
        },
        "city_media": {
            "BACKEND": "tenants.object_storage.CityMediaS3Storage",
            "OPTIONS": public,
        },
    }
