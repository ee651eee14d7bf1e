"""A throwaway PgBouncer in transaction mode, for tests and benchmarks."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

NOT_INSTALLED = (
    "pgbouncer no está instalado: `make test` lo instala (apt-get install "
    "pgbouncer), o instálelo a mano para correr esta prueba."
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as() -> list[str]:
    """PgBouncer refuses to run as root: drop to an unprivileged user."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return ["-u", name]
    raise RuntimeError("no unprivileged user to run pgbouncer as")


@contextmanager
def transaction_pooler(server: dict[str, Any], *, pool_size: int):
    """Run PgBouncer (transaction mode, ``pool_size`` server connections) in front
    of the database of Django's ``server`` settings; yield its settings dict."""
    binary = shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
    )
    if binary is None:
        raise FileNotFoundError(NOT_INSTALLED)
    port = free_port()
    user = server.get("USER") or "postgres"
    host = server.get("HOST") or "127.0.0.1"
    target = f"host={host} dbname={server['NAME']} user={user}"
    if not host.startswith("/"):
        target += f" port={server.get('PORT') or 5432}"
    if server.get("PASSWORD"):
        target += f" password={server['PASSWORD']}"
    folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    folder.chmod(0o777)  # the unprivileged user writes its log and pid here
    (folder / "users.txt").write_text(f'"{user}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        f"""[databases]
pooled = {target}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder / "users.txt"}
pool_mode = transaction
default_pool_size = {pool_size}
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 100
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = {folder / "pgbouncer.log"}
pidfile = {folder / "pgbouncer.pid"}
"""
    )
    for name in ("users.txt", "pgbouncer.ini"):
        (folder / name).chmod(0o644)
    process = subprocess.Popen(
        [binary, *_run_as(), str(folder / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                log = folder / "pgbouncer.log"
                raise RuntimeError(
                    "pgbouncer did not start: "
                    + process.stderr.read().decode(errors="replace")
                    + (log.read_text() if log.exists() else "")
                )
            time.sleep(0.05)
        yield {
            **server,
            "NAME": "pooled",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "USER": user,
            "PASSWORD": "",
        }
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
