"""The one place that talks to outside services: timeouts and Spanish errors.

A service that is down, slow or answers something that is not the JSON we
expect raises ``ServiceError`` with a message staff can act on; the callers
then keep the last good figures.
"""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings
from django.utils.translation import gettext as _


class ServiceError(Exception):
    """An outside service could not be read (Spanish message for staff)."""


def _timeout() -> float:
    return float(getattr(settings, "MONITORING_HTTP_TIMEOUT", 20))


def get_json(url: str, *, params: dict[str, str], service: str) -> Any:
    return _json(_send("GET", url, service, params=params), service)


def post_json(url: str, *, payload: dict[str, Any], service: str) -> Any:
    return _json(_send("POST", url, service, json=payload), service)


def _send(method: str, url: str, service: str, **kwargs: Any) -> requests.Response:
    try:
        response = requests.request(
            method,
            url,
            timeout=_timeout(),
            headers={"Accept": "application/json"},
            **kwargs,
        )
    except requests.Timeout as exc:
        raise ServiceError(
            _(
                "%(service)s no respondió a tiempo (%(seconds).0f s). Se conservan "
                "las últimas cifras; se intentará de nuevo en la próxima "
                "actualización."
            )
            % {"service": service, "seconds": _timeout()}
        ) from exc
    except requests.RequestException as exc:
        raise ServiceError(
            _(
                "No se pudo conectar con %(service)s (%(error)s). Se conservan las "
                "últimas cifras; revise la dirección o inténtelo más tarde."
            )
            % {"service": service, "error": exc.__class__.__name__}
        ) from exc
    if response.status_code >= 400:
        raise ServiceError(
            _(
                "%(service)s respondió con el error HTTP %(status)d. Se conservan "
                "las últimas cifras."
            )
            % {"service": service, "status": response.status_code}
        )
    return response


def _json(response: requests.Response, service: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise ServiceError(
            _(
                "%(service)s respondió algo que no es JSON válido (empieza por "
                "«%(start)s»). Se conservan las últimas cifras."
            )
            % {"service": service, "start": response.text[:60]}
        ) from exc
