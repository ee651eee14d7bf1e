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

import base64
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import backup  # deploy/backup.py and deploy/local_s3.py, beside this script
import local_s3

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
    }
    if direct:
        # Migrations and provisioning talk to PostgreSQL itself (ADR 0018).
        env["DATABASE_TRANSACTION_POOLER"] = "false"
    return env


def render(template: str, target: Path, **values: object) -> Path:
    """Fill ``${name}`` in a template of deploy/templates (nginx's own $vars stay)."""
    text = (DEPLOY_DIR / "templates" / template).read_text()

    def fill(match: re.Match) -> str:
        return str(values[match.group(1)])

    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(re.sub(r"\$\{(\w+)\}", fill, text))
    return target


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


# --- Processes -----------------------------------------------------------------------


def load_state() -> dict:
    if STATE_FILE.exists():
        return json.loads(STATE_FILE.read_text())
    return {"processes": {}}


def save_state(state: dict) -> None:
    STATE_FILE.write_text(json.dumps(state, indent=2))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped) is not running.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


def start(
    state: dict, name: str, argv: list[str], env: dict[str, str]
) -> subprocess.Popen:
    """Start ``argv`` in its own session (so ``down`` can stop its whole group)."""
    log = open(LOG_DIR / f"{name}.log", "ab")
    process = subprocess.Popen(
        argv,
        cwd=PROJECT_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    state["processes"][name] = {"pid": process.pid, "argv": argv}
    save_state(state)
    return process


def stop_all(state: dict) -> None:
    processes = state.get("processes", {})
    # The proxy first (no new requests), then web nodes, workers, beat, pooler.
    for name in sorted(processes, key=_stop_order):
        pid = processes[name]["pid"]
        if not alive(pid):
            continue
        try:
            os.killpg(pid, signal.SIGTERM)  # the group this script created
        except ProcessLookupError:
            continue
        deadline = time.monotonic() + 20
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(pid):
            os.killpg(pid, signal.SIGKILL)
        say(f"  detenido {name} (pid {pid})")
    state["processes"] = {}
    save_state(state)


def _stop_order(name: str) -> int:
    order = ("nginx", "web", "worker", "beat", "pgbouncer", "s3")
    for rank, prefix in enumerate(order):
        if name.startswith(prefix):
            return rank
    return 99


def wait_ready(timeout: float = 90) -> dict:
    """Poll /readyz through nginx until every dependency answers."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{HTTP_PORT}/readyz", timeout=5
            ) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError) as exc:
            last = exc
            time.sleep(0.5)
    raise RuntimeError(f"/readyz no respondió 200: {last}")


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

    nginx_dir = STATE_DIR / "nginx"
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (nginx_dir / sub).mkdir(parents=True, exist_ok=True)
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
