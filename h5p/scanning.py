"""Optional malware scan through a ClamAV daemon (clamd), INSTREAM protocol.

``H5P_CLAMAV_URL`` is ``tcp://host:port`` or ``unix:///path/to/clamd.ctl``. The
whole ``.h5p`` file is streamed: clamd opens ZIP archives itself.
"""

from __future__ import annotations

import socket
import struct
from urllib.parse import urlparse

from django.utils.translation import gettext as _

__all__ = ["ScanUnavailable", "scan_bytes"]

_CHUNK = 64 * 1024


class ScanUnavailable(Exception):
    """The configured scanner could not be reached or answered nonsense."""


def scan_bytes(url: str, data: bytes, *, timeout: float = 30.0) -> str | None:
    """Return the signature name if clamd finds malware, None if clean."""
    parsed = urlparse(url)
    try:
        if parsed.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            address: object = parsed.path
        elif parsed.scheme == "tcp":
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            address = (parsed.hostname or "127.0.0.1", parsed.port or 3310)
        else:
            raise ScanUnavailable(
                _("H5P_CLAMAV_URL debe empezar por tcp:// o unix:// (es «%(url)s»).")
                % {"url": url}
            )
        with sock:
            sock.settimeout(timeout)
            sock.connect(address)
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), _CHUNK):
                chunk = data[start : start + _CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as exc:
        raise ScanUnavailable(
            _("No se pudo consultar el antivirus en %(url)s (%(reason)s).")
            % {"url": url, "reason": exc}
        ) from exc
    text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith("OK"):
        return None
    if text.endswith("FOUND"):
        return text.removeprefix("stream:").removesuffix("FOUND").strip()
    raise ScanUnavailable(
        _("Respuesta inesperada del antivirus: %(reply)s.") % {"reply": repr(text)}
    )
