"""``make prod-local``: the production topology on this machine, started and stopped here.

    nginx :8080 -> gunicorn :8081, :8082 (two web nodes, lms.settings.production)
                -> PgBouncer :6439 (transaction mode) -> PostgreSQL 127.0.0.1:5432
    Redis 127.0.0.1:6379: cache and sessions (db 3), Celery broker (db 4), results (db 5)
    Celery: two workers and one beat
    S3-compatible object storage :9100 (moto's server, deploy/local_s3.py):
        media bucket (nginx serves /media/ from it), private bucket (Django only)

Usage (run with the project's virtualenv Python, from the project folder)::

    python deploy/prodlocal.py up       # install what is missing, migrate, start
    python deploy/prodlocal.py down     # stop every process started by `up`
    python deploy/prodlocal.py drop     # down, then drop the database and Redis dbs
    python deploy/prodlocal.py status
    python deploy/prodlocal.py backup          # every schema and both buckets
    python deploy/prodlocal.py restore FOLDER  # into a new database and buckets

PostgreSQL and Redis are the machine's own (already running); everything else is
started here as a child in its own session, its pid written to
``.data/prod-local/state.json``; ``down`` stops exactly those pids. Secrets are
generated once into ``.data/prod-local/secrets.env`` (git-ignored).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import backup  # deploy/backup.py and its siblings, beside this script
import local_s3
from config_files import nginx_folders, render
from processes import alive, load_state, save_state, start, stop_all, wait_ready
from topology import (
    DB_NAME,
    DEPLOY_DIR,
    DOMAIN_SUFFIX,
    HTTP_PORT,
    LOG_DIR,
    PACKAGES,
    PG_HOST,
    PG_PORT,
    PG_USER,
    PGBOUNCER_PORT,
    REDIS_DBS,
    REDIS_URL,
    S3_BUCKETS,
    S3_PORT,
    STATE_DIR,
    WEB_PORTS,
    WORKERS,
    _admin_connection,
    drop_database,
    ensure_database,
    ensure_packages,
    ensure_secrets,
    environment,
    manage,
    port_in_use,
    say,
    unprivileged_user,
    wait_for_port,
)

# --- Commands ------------------------------------------------------------------------


def up() -> int:
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    LOG_DIR.mkdir(exist_ok=True)
    state = load_state()
    running = [n for n, p in state["processes"].items() if alive(p["pid"])]
    if running:
        say(f"Ya está en marcha ({', '.join(sorted(running))}): make prod-local-stop")
        return 1
    busy = [
        p for p in (HTTP_PORT, *WEB_PORTS, PGBOUNCER_PORT, S3_PORT) if port_in_use(p)
    ]
    if busy:
        say(f"Puertos ocupados: {busy}. Use PROD_LOCAL_*_PORT(S) para otros.")
        return 1
    ensure_packages()
    ensure_secrets()
    started = time.perf_counter()
    ensure_database()

    # Media live in object storage from the first upload (provisioning stores
    # none; the demo content would). The stand-in keeps objects in memory, so
    # `down` forgets them: docs/deploy.md names the real services.
    say(f"Almacenamiento S3 local (moto) en :{S3_PORT}…")
    s3_log = LOG_DIR / "s3.log"
    s3 = local_s3.start_server(S3_PORT, s3_log, start_new_session=True)
    state["processes"]["s3"] = {"pid": s3.pid, "argv": ["moto.server"]}
    save_state(state)
    local_s3.create_buckets(f"http://127.0.0.1:{S3_PORT}", **S3_BUCKETS)

    say("Migraciones (público, plantilla, localidades), directo a PostgreSQL…")
    manage("migrate_localities", "--verbosity", "0")
    say("Campus y 20 localidades…")
    manage("provision_localities")
    say("Archivos estáticos (nombres con hash, comprimidos)…")
    manage("collectstatic", "--noinput", "--verbosity", "0")

    # PgBouncer, run as the postgres user: its folder must be writable by it.
    bouncer_dir = STATE_DIR / "pgbouncer"
    bouncer_dir.mkdir(exist_ok=True)
    bouncer_dir.chmod(0o777)
    (bouncer_dir / "users.txt").write_text(f'"{PG_USER}" ""\n')
    ini = render(
        "pgbouncer.ini",
        bouncer_dir / "pgbouncer.ini",
        db_name=DB_NAME,
        pg_host=PG_HOST,
        pg_port=PG_PORT,
        pg_user=PG_USER,
        port=PGBOUNCER_PORT,
        state=STATE_DIR,
    )
    say(f"PgBouncer (transacción) en :{PGBOUNCER_PORT}…")
    bouncer = start(
        state,
        "pgbouncer",
        [PACKAGES["pgbouncer"], *unprivileged_user(), str(ini)],
        dict(os.environ),
    )
    wait_for_port(PGBOUNCER_PORT, 15, bouncer)

    env = environment()
    python = sys.executable
    web = []
    for number, port in enumerate(WEB_PORTS, start=1):
        say(f"Nodo web {number} (gunicorn) en :{port}…")
        web.append(
            (
                port,
                start(
                    state,
                    f"web{number}",
                    [
                        python,
                        "-m",
                        "gunicorn",
                        "-c",
                        str(DEPLOY_DIR / "gunicorn.conf.py"),
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--name",
                        f"lms-web{number}",
                        "lms.wsgi:application",
                    ],
                    env,
                ),
            )
        )
    for number in range(1, WORKERS + 1):
        say(f"Worker Celery {number}…")
        start(
            state,
            f"worker{number}",
            [
                python,
                "-m",
                "celery",
                "-A",
                "lms",
                "worker",
                "-n",
                f"prodlocal{number}@%h",
                "--concurrency=2",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            env,
        )
    say("Celery beat…")
    start(
        state,
        "beat",
        [
            python,
            "-m",
            "celery",
            "-A",
            "lms",
            "beat",
            "--loglevel=INFO",
            "-s",
            str(STATE_DIR / "celerybeat-schedule"),
            "--pidfile=",
        ],
        env,
    )
    for port, process in web:
        wait_for_port(port, 60, process)

    nginx_dir = nginx_folders(STATE_DIR / "nginx")
    conf = render(
        "nginx.conf",
        nginx_dir / "nginx.conf",
        state=STATE_DIR,
        web_port_1=WEB_PORTS[0],
        web_port_2=WEB_PORTS[1],
        http_port=HTTP_PORT,
        domain_suffix=DOMAIN_SUFFIX,
        s3_port=S3_PORT,
        media_bucket=S3_BUCKETS["public"],
    )
    say(f"nginx en :{HTTP_PORT}…")
    proxy = start(
        state,
        "nginx",
        [PACKAGES["nginx"], "-c", str(conf), "-p", str(nginx_dir), "-e", "stderr"],
        dict(os.environ),
    )
    wait_for_port(HTTP_PORT, 15, proxy)
    checks = wait_ready()
    say(f"Listo en {time.perf_counter() - started:.0f} s; /readyz: {checks}")
    say(
        f"\n  http://kennedy.{DOMAIN_SUFFIX}:{HTTP_PORT}/   una localidad\n"
        f"  http://{DOMAIN_SUFFIX}:{HTTP_PORT}/           directorio\n"
        f"  http://127.0.0.1:{HTTP_PORT}/healthz | /readyz\n"
        f"  Registros: {LOG_DIR}\n  Detener: make prod-local-stop\n"
    )
    return 0


def down() -> int:
    state = load_state()
    if not any(alive(p["pid"]) for p in state.get("processes", {}).values()):
        say("Nada en marcha.")
    stop_all(state)
    return 0


def drop() -> int:
    down()
    drop_database()
    import redis

    for db in REDIS_DBS.values():
        redis.Redis.from_url(f"{REDIS_URL}/{db}").flushdb()
    say(f"Redis: bases {sorted(REDIS_DBS.values())} vaciadas.")
    return 0


def status() -> int:
    state = load_state()
    for name, info in sorted(state.get("processes", {}).items()):
        say(f"{name:10} pid {info['pid']:>7}  {'vivo' if alive(info['pid']) else '—'}")
    return 0


def make_backup() -> int:
    """Every schema and both buckets into .data/prod-local/backups/<time>/."""
    folder = STATE_DIR / "backups" / time.strftime("%Y%m%d-%H%M%S")
    env = environment(direct=True)
    manifest = backup.backup(folder, database_url=env["DATABASE_URL"], env=env)
    say(
        f"Copia en {folder}: {len(manifest['rows'])} tablas, "
        f"{sum(manifest['rows'].values())} filas, objetos {manifest['objects']}; "
        f"base {manifest['database_seconds']} s, archivos {manifest['media_seconds']} s."
    )
    return 0


def make_restore(folder: str) -> int:
    """Restore beside the running copy: a new database and new buckets, checked."""
    target_db = f"{DB_NAME}_restaurada_{time.strftime('%Y%m%d%H%M%S')}"
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{target_db}"')
    suffix = time.strftime("%Y%m%d%H%M%S")
    buckets = {k: f"{v}-restaurado-{suffix}" for k, v in S3_BUCKETS.items()}
    endpoint = f"http://127.0.0.1:{S3_PORT}"
    local_s3.create_buckets(endpoint, **buckets)
    env = {**environment(direct=True), **local_s3.environment(endpoint, **buckets)}
    url = f"postgres://{PG_USER}@127.0.0.1:{PG_PORT}/{target_db}"
    timings = backup.restore(Path(folder), database_url=url, env=env)
    say(
        f"Restaurada en la base {target_db} y los buckets {sorted(buckets.values())}: "
        f"filas y objetos iguales a la copia; base {timings['database_seconds']} s, "
        f"archivos {timings['media_seconds']} s."
    )
    return 0


def main(argv: list[str]) -> int:
    commands = {
        "up": up,
        "down": down,
        "drop": drop,
        "status": status,
        "backup": make_backup,
    }
    if argv[:1] == ["restore"] and len(argv) == 2:
        return make_restore(argv[1])
    if len(argv) != 1 or argv[0] not in commands:
        say(__doc__)
        return 2
    try:
        return commands[argv[0]]()
    except (subprocess.CalledProcessError, RuntimeError) as exc:
        say(f"Error: {exc}. Registros en {LOG_DIR}; detenga con make prod-local-stop.")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
