"""The prod-local topology: its ports, names and environment, its secrets, the
templates it fills and the database it creates (used by ``deploy/prodlocal.py``).
"""

from __future__ import annotations

import base64
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import local_s3  # deploy/local_s3.py, beside this module

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEPLOY_DIR = PROJECT_DIR / "deploy"
STATE_DIR = Path(os.environ.get("PROD_LOCAL_DIR", PROJECT_DIR / ".data" / "prod-local"))
STATE_FILE = STATE_DIR / "state.json"
SECRETS_FILE = STATE_DIR / "secrets.env"
LOG_DIR = STATE_DIR / "logs"

HTTP_PORT = int(os.environ.get("PROD_LOCAL_HTTP_PORT", "8080"))
WEB_PORTS = [
    int(p) for p in os.environ.get("PROD_LOCAL_WEB_PORTS", "8081,8082").split(",")
]
PGBOUNCER_PORT = int(os.environ.get("PROD_LOCAL_PGBOUNCER_PORT", "6439"))
S3_PORT = int(os.environ.get("PROD_LOCAL_S3_PORT", "9100"))
S3_BUCKETS = {"public": "lms-media", "private": "lms-private"}
PG_HOST = os.environ.get("PROD_LOCAL_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("PROD_LOCAL_PG_PORT", "5432"))
PG_USER = os.environ.get("PROD_LOCAL_PG_USER", "postgres")
DB_NAME = os.environ.get("PROD_LOCAL_DB", "lms_prod_local")
REDIS_URL = os.environ.get("PROD_LOCAL_REDIS", "redis://127.0.0.1:6379")
# Three Redis databases; PROD_LOCAL_REDIS_DBS="13,14,15" keeps clear of others'.
REDIS_DBS = dict(
    zip(
        ("cache", "broker", "results"),
        (int(n) for n in os.environ.get("PROD_LOCAL_REDIS_DBS", "3,4,5").split(",")),
        strict=True,
    )
)
DOMAIN_SUFFIX = "localhost"
WORKERS = 2

PACKAGES = {"nginx": "/usr/sbin/nginx", "pgbouncer": "/usr/sbin/pgbouncer"}


def say(message: str) -> None:
    print(message, flush=True)


# --- Packages, ports, secrets --------------------------------------------------------


def ensure_packages() -> None:
    """Debian's nginx and pgbouncer, installed only if missing (apt-get, as root)."""
    missing = [name for name, path in PACKAGES.items() if not Path(path).exists()]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(
            f"Faltan paquetes: {' '.join(missing)}. Instálelos con "
            f"`sudo apt-get install {' '.join(missing)}` y repita."
        )
    say(f"Instalando {' '.join(missing)} (apt-get)…")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_for_port(port: int, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while not port_in_use(port):
        if process.poll() is not None:
            raise RuntimeError(f"el proceso {process.args[0]} terminó al arrancar")
        if time.monotonic() > deadline:
            raise RuntimeError(f"nadie escucha en el puerto {port}")
        time.sleep(0.1)


def ensure_secrets() -> dict[str, str]:
    """Generate this machine's keys once; production refuses to start without them."""
    if not SECRETS_FILE.exists():
        seed = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
        SECRETS_FILE.write_text(
            "# make prod-local: generated keys for this machine only. Never commit.\n"
            f"DJANGO_SECRET_KEY={secrets.token_urlsafe(64)}\n"
            # certificates/signing.py: "key-id:base64url(32-byte Ed25519 seed)".
            f"CERTIFICATE_SIGNING_KEY=prod-local-1:{seed}\n"
        )
        SECRETS_FILE.chmod(0o600)
    values = {}
    for line in SECRETS_FILE.read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


# --- Environment and configuration ---------------------------------------------------


def environment(*, direct: bool = False) -> dict[str, str]:
    """The production settings' environment (``direct``: PostgreSQL, no pooler)."""
    port = PG_PORT if direct else PGBOUNCER_PORT
    env = {
        **os.environ,
        **ensure_secrets(),
        "PYTHONPATH": str(PROJECT_DIR),
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "DATABASE_URL": f"postgres://{PG_USER}@127.0.0.1:{port}/{DB_NAME}",
        "REDIS_CACHE_URL": f"{REDIS_URL}/{REDIS_DBS['cache']}",
        "CELERY_BROKER_URL": f"{REDIS_URL}/{REDIS_DBS['broker']}",
        "CELERY_RESULT_BACKEND": f"{REDIS_URL}/{REDIS_DBS['results']}",
        "LMS_DATA_DIR": str(STATE_DIR / "data"),
        "LOCALITY_DOMAIN_SUFFIX": DOMAIN_SUFFIX,
        # No TLS on this machine: the one deviation from a deployment, where the
        # proxy terminates HTTPS and this stays on (ADR 0013).
        "SECURE_SSL_REDIRECT": "false",
        "WAGTAILADMIN_BASE_URL": f"http://campus.{DOMAIN_SUFFIX}:{HTTP_PORT}",
        "LOCALITY_SITE_URL": f"http://{{domain}}:{HTTP_PORT}",
        **local_s3.environment(f"http://127.0.0.1:{S3_PORT}", **S3_BUCKETS),
        # /metrics of each node, asked directly on its port from this machine
        # (nginx answers it 404, so nothing outside reaches it).
        "METRICS_ALLOWED_NETWORKS": "127.0.0.1/32",
    }
    if direct:
        # Migrations and provisioning talk to PostgreSQL itself (ADR 0018).
        env["DATABASE_TRANSACTION_POOLER"] = "false"
    return env


def unprivileged_user() -> list[str]:
    """PgBouncer refuses to run as root: it drops to the postgres user."""
    return ["-u", PG_USER] if os.geteuid() == 0 else []


# --- Database ------------------------------------------------------------------------


def _admin_connection():
    import psycopg

    return psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    )


def ensure_database() -> None:
    with _admin_connection() as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]
        ).fetchone()
        if not exists:
            say(f"Creando la base de datos {DB_NAME}…")
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    say(f"Base de datos {DB_NAME} borrada.")


def manage(*args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=environment(direct=True),
        check=True,
    )
