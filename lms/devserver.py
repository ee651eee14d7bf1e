"""``make run``: database, schemas, localities, demo data, web server and worker.

Each step is safe to repeat: a second run finds everything in place and only
starts the processes. Only one ``make run`` may run at a time per checkout; a
second one says so and leaves the first (and the database folder) alone.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("LMS_DATA_DIR", PROJECT_DIR / ".data"))
LOCK_PATH = DATA_DIR / "run.lock"
HOST = os.environ.get("LMS_HOST", "127.0.0.1")
PORT = int(os.environ.get("LMS_PORT", "8000"))


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
    DATA_DIR.mkdir(exist_ok=True)
    lock = _single_instance_lock()
    if lock is None:
        print(
            "Ya hay un `make run` en marcha en esta carpeta. Úselo "
            f"(http://kennedy.localhost:{PORT}/) o deténgalo con Ctrl+C en su "
            "terminal antes de iniciar otro.",
            file=sys.stderr,
        )
        return 1
    if _port_in_use(HOST, PORT):
        print(
            f"El puerto {PORT} ya está ocupado por otro programa. Ciérrelo o use "
            f"otro puerto: make run LMS_PORT=8001",
            file=sys.stderr,
        )
        return 1

    started = time.perf_counter()
    from lms import database

    # Stop on exit only a server this run started (tests may share one left running).
    owns_database = not os.environ.get("DATABASE_URL") and not (
        database.embedded_server_is_running()
    )
    try:
        _prepare()
    except database.DatabaseSetupError as exc:
        # One clear line for whoever sets the project up, not a traceback.
        print(f"Error de base de datos: {exc}", file=sys.stderr)
        return 2
    print(f"Listo en {time.perf_counter() - started:.1f} s.")
    try:
        return _serve()
    finally:
        if owns_database:
            database.stop_embedded_server()
            print("Base de datos embebida detenida.")


def _single_instance_lock():
    import fasteners

    lock = fasteners.InterProcessLock(str(LOCK_PATH))
    return lock if lock.acquire(blocking=False) else None


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _prepare() -> None:
    import django

    from lms.database import check_connection, database_config

    print("Base de datos…", flush=True)
    check_connection(database_config())
    django.setup()
    from django.core.management import call_command

    print("Migraciones (público, plantilla y localidades)…", flush=True)
    call_command("migrate_localities", verbosity=0)
    print("Campus y 20 localidades…", flush=True)
    call_command("provision_localities")
    print("Datos de demostración…", flush=True)
    call_command("load_demo")


def _serve() -> int:
    python = sys.executable
    env = dict(os.environ)
    processes = [
        subprocess.Popen(
            [python, "manage.py", "runserver", f"{HOST}:{PORT}"],
            cwd=PROJECT_DIR,
            env=env,
        ),
        subprocess.Popen(
            [
                python,
                "-m",
                "celery",
                "-A",
                "lms",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=PROJECT_DIR,
            env=env,
        ),
    ]
    print(
        "\nAbra en su navegador:\n"
        f"  http://localhost:{PORT}/                 directorio de localidades\n"
        f"  http://kennedy.localhost:{PORT}/         una localidad\n"
        f"  http://campus.localhost:{PORT}/admin/    administración del campus\n"
        "  usuario admin / clave admin (solo en desarrollo)\n"
        "Ctrl+C para detener el servidor web y el worker.\n",
        flush=True,
    )

    def stop(*_args) -> None:
        for process in processes:
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    # A shell's `&` starts background jobs with SIGINT ignored; Ctrl+C and
    # `kill -INT` must still stop everything.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
