"""nginx in front of test web nodes, with the project's own configuration.

``deploy/templates/nginx.conf`` (the file ``make prod-local`` runs) is filled
for a free port and the given nodes, so the failover the tests count is the
one the deployment gets. nginx runs in the foreground in its own session and
writes only under the test's folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
from pathlib import Path

from deploy import local_s3
from deploy.config_files import nginx_folders, render

from ..workers import wait_for

NOT_INSTALLED = (
    "nginx no está instalado: `make test` lo instala (apt-get install nginx), o "
    "instálelo a mano para correr esta prueba."
)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def start_proxy(
    folder: Path, web_ports: list[int], *, domain_suffix: str = "test"
) -> tuple[subprocess.Popen, str]:
    """Start nginx before ``web_ports`` (two nodes); returns (process, base URL)."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError(NOT_INSTALLED)
    port = local_s3.free_port()
    conf = proxy_config(folder, web_ports, port, domain_suffix=domain_suffix)
    log = folder / "logs" / "nginx.out"
    with log.open("w") as handle:
        process = subprocess.Popen(
            [binary, "-c", str(conf), "-p", str(conf.parent), "-e", "stderr"],
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    wait_for(
        lambda: process.poll() is not None or _listening(port),
        15,
        lambda: f"nginx no arrancó: {log.read_text()[-2000:]}",
    )
    if process.poll() is not None:
        raise RuntimeError(f"nginx terminó al arrancar: {log.read_text()[-2000:]}")
    return process, f"http://127.0.0.1:{port}"


def proxy_config(
    folder: Path, web_ports: list[int], port: int, *, domain_suffix: str = "test"
) -> Path:
    """``deploy/templates/nginx.conf`` filled for this test's ports and folder."""
    (folder / "logs").mkdir(parents=True, exist_ok=True)
    return render(
        "nginx.conf",
        nginx_folders(folder / "nginx") / "nginx.conf",
        state=folder,
        web_port_1=web_ports[0],
        web_port_2=web_ports[1],
        http_port=port,
        domain_suffix=domain_suffix,
        # /media/ is not asked for here: a port where nothing listens.
        s3_port=local_s3.free_port(),
        media_bucket="lms-media",
    )


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def stop_proxy(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGQUIT)  # nginx's graceful stop
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
