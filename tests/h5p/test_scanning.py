"""Malware scan against a tiny fake clamd speaking INSTREAM (the network boundary).

The real daemon cannot get its signature database here; the fake flags the
standard EICAR test string, as clamd does.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading

import pytest

from h5p import api

from .conftest import INVALID, VALID, needs_fixtures

pytestmark = needs_fixtures

EICAR = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


class _FakeClamd(socketserver.BaseRequestHandler):
    def handle(self):
        command = b""
        while not command.endswith(b"\0"):
            command += self.request.recv(1)
        assert command == b"zINSTREAM\0"
        data = b""
        while True:
            (size,) = struct.unpack("!L", self._read(4))
            if size == 0:
                break
            data += self._read(size)
        self.server.scanned.append(len(data))
        verdict = (
            b"stream: Eicar-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
        )
        self.request.sendall(verdict)

    def _read(self, size):
        buffer = b""
        while len(buffer) < size:
            buffer += self.request.recv(size - len(buffer))
        return buffer


@pytest.fixture
def clamd(settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _FakeClamd)
    server.scanned = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.H5P_CLAMAV_URL = f"tcp://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def test_infected_package_is_refused(in_town_a, h5p_media, clamd):
    path = next(p for p in INVALID if p.name == "h5p-with-virus.h5p")
    with pytest.raises(api.PackageRefused, match="Eicar-Signature") as refused:
        api.upload_package(path.read_bytes(), name=path.name, may_add_libraries=True)
    assert "antivirus" in str(refused.value)
    assert clamd.scanned == [path.stat().st_size]
    assert not any(h5p_media.rglob("*.js"))


def test_clean_package_is_scanned_and_marked(in_town_a, h5p_media, clamd):
    path = next(p for p in VALID if p.name == "valid2.h5p")
    content = api.upload_package(
        path.read_bytes(), name=path.name, may_add_libraries=True
    )
    assert content.malware_scanned
    assert clamd.scanned == [path.stat().st_size]


def test_unreachable_scanner_refuses_rather_than_skips(in_town_a, h5p_media, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.H5P_CLAMAV_URL = f"tcp://127.0.0.1:{port}"
    path = next(p for p in VALID if p.name == "valid2.h5p")
    with pytest.raises(api.PackageRefused, match="No se pudo consultar el antivirus"):
        api.upload_package(path.read_bytes(), name=path.name, may_add_libraries=True)


def test_without_scanner_only_the_content_check_stops_the_virus_fixture(
    in_town_a, h5p_media
):
    """Documented limit: with scanning off, only the H5P checks apply. Its EICAR
    file is refused because it is no JPEG, not because it is recognised."""
    assert not api.scanning_enabled()
    path = next(p for p in INVALID if p.name == "h5p-with-virus.h5p")
    with pytest.raises(api.PackageRefused) as refused:
        api.upload_package(path.read_bytes(), name=path.name, may_add_libraries=True)
    message = str(refused.value)
    assert "«content/eicar.jpg»: su nombre termina en .jpg" in message
    assert "antivirus" not in message
