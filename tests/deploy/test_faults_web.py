"""Faults under load, with counts: a web node killed, PostgreSQL's connections
cut, Redis restarted.

Real gunicorn nodes (``deploy/gunicorn.conf.py``, 2 processes x 2 threads) on
the test database; signed-in learners as clients, with ``requests``. Each test
prints its counts (``pytest -s`` shows them) and asserts what must hold:

- **Web node killed (``kill -9``) while learners enrol**: the client retries a
  failed request on the other node (what nginx does for a refused connection;
  a request the dying node had already taken is retried by the client, as the
  player's relay does). Requests fail only around the kill; every enrolment
  is stored exactly once, none lost.
- **PostgreSQL restarting** (every backend of the database terminated with
  ``pg_terminate_backend``; the machine's server itself is never restarted):
  only requests in flight fail, and as 503 with ``Retry-After`` (never 500);
  the nodes reconnect by themselves and the requests after it succeed.
- **Redis restarted** (its own ``redis-server`` on a free port, never the shared
  one): no 500 while it is down or after; sessions live in the database too
  (``cached_db``), so nobody is signed out.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from deploy import local_s3

from ..workers import wait_for
from .learner_load import LEARNERS, enrollments, headers
from .web_nodes import kill_node, start_node, stop_node

pytestmark = pytest.mark.worker

TOKEN = "token-de-metricas-de-prueba"


def _enroll(urls: list[str], cookies: dict, key: str, log: list[str]) -> bool:
    """Enrol, retrying on the next node; True once the server says it is done."""
    for attempt in range(8):
        url = urls[attempt % len(urls)]
        try:
            response = requests.post(
                f"{url}/api/aprendizaje/cursos/{key}/inscripcion",
                json={},
                cookies=cookies,
                headers=headers(),
                timeout=15,
            )
        except requests.RequestException as exc:
            log.append(type(exc).__name__)
            time.sleep(0.1)
            continue
        log.append(str(response.status_code))
        if response.status_code == 201:
            return True
        if response.status_code == 400 and "ya está hecha" in response.json().get(
            "detail", ""
        ):
            return True  # stored by an attempt whose answer was lost
        time.sleep(0.2)
    return False


def test_a_web_node_killed_under_load_loses_no_enrolment(
    learners, django_db_blocker, tmp_path
):
    key, people, cookies, env = learners
    node_a, url_a = start_node(env, tmp_path / "node-a.log")
    node_b, url_b = start_node(env, tmp_path / "node-b.log")
    logs: list[list[str]] = [[] for _ in people]
    done = Counter()
    lock = threading.Lock()

    def one(n: int) -> bool:
        urls = [url_a, url_b] if n % 2 == 0 else [url_b, url_a]
        ok = _enroll(urls, cookies[n], key, logs[n])
        with lock:
            done["finished"] += 1
        return ok

    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            results = pool.map(one, range(LEARNERS))
            wait_for(lambda: done["finished"] >= LEARNERS // 4, 120, "sin avance")
            kill_node(node_a)
            killed_after = done["finished"]
            acknowledged = list(results)
    finally:
        stop_node(node_a)
        stop_node(node_b)

    attempts = Counter(outcome for log in logs for outcome in log)
    failed = sum(n for outcome, n in attempts.items() if outcome not in ("201", "400"))
    retried = sum(1 for log in logs if len(log) > 1)
    with django_db_blocker.unblock():
        stored = enrollments(key, [p.pk for p in people])
    lost = sum(1 for n, p in enumerate(people) if acknowledged[n] and not stored[p.pk])
    twice = sum(1 for count in stored.values() if count > 1)
    print(  # noqa: T201 (the counts are this test's report: pytest -s)
        f"\nnodo caído tras {killed_after}/{LEARNERS} inscripciones: "
        f"{sum(attempts.values())} peticiones, {failed} fallidas ({dict(attempts)}), "
        f"{retried} reintentadas; confirmadas {sum(acknowledged)}/{LEARNERS}, "
        f"guardadas {len(stored)}, perdidas {lost}, dobles {twice}"
    )
    assert all(acknowledged), attempts
    assert len(stored) == LEARNERS and lost == 0 and twice == 0
    assert failed >= 1  # the kill was felt (requests sent to the dead node)
    assert "500" not in attempts


def _load(url: str, cookies: list[dict], seconds: float, event_at: float, event):
    """Signed-in reads from 4 clients; ``event`` runs at ``event_at`` seconds.

    Returns (seconds since start, status or error name) per request.
    """
    results: list[tuple[float, str]] = []
    lock = threading.Lock()
    started = time.monotonic()
    stop = started + seconds

    def client(n: int) -> None:
        with requests.Session() as session:
            while time.monotonic() < stop:
                at = time.monotonic() - started
                try:
                    response = session.get(
                        f"{url}/api/aprendizaje/mis-cursos",
                        cookies=cookies[n],
                        headers=headers(),
                        timeout=15,
                    )
                    outcome = str(response.status_code)
                    if response.status_code == 503:
                        assert response.headers.get("Retry-After"), response.text
                except requests.RequestException as exc:
                    outcome = type(exc).__name__
                with lock:
                    results.append((at, outcome))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(event_at)
    event()
    for thread in threads:
        thread.join()
    return results


def test_cut_database_connections_fail_only_requests_in_flight(
    learners, django_db_blocker, tmp_path
):
    _key, _people, cookies, env = learners
    node, url = start_node(env, tmp_path / "node.log")
    cut: dict[str, float] = {}

    def terminate_backends() -> None:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            cut["backends"] = cursor.fetchone()[0]
        cut["at"] = time.monotonic()

    try:
        started = time.monotonic()
        results = _load(url, cookies, seconds=7, event_at=2, event=terminate_backends)
    finally:
        stop_node(node)
    cut_at = cut["at"] - started
    outcomes = Counter(outcome for _at, outcome in results)
    errors = [(at, o) for at, o in results if o != "200"]
    after = [o for at, o in results if at > cut_at + 1.0]
    print(  # noqa: T201 (the counts are this test's report: pytest -s)
        f"\n{cut['backends']} conexiones cortadas a los {cut_at:.1f} s: "
        f"{len(results)} peticiones {dict(outcomes)}; errores {len(errors)} "
        f"(todos en el segundo siguiente al corte: "
        f"{all(at <= cut_at + 1.0 for at, _o in errors)}); después: "
        f"{len(after)} peticiones, {sum(1 for o in after if o != '200')} con error"
    )
    assert cut["backends"] >= 1
    assert "500" not in outcomes
    assert set(outcomes) <= {"200", "503"}
    # At most one failure per server connection of the node (2 x 2 threads).
    assert len(errors) <= 4
    assert after and all(o == "200" for o in after)


def test_a_redis_restart_signs_nobody_out_and_gives_no_500(
    learners, django_db_blocker, tmp_path
):
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        pytest.skip("falta redis-server (paquete redis-server de Debian)")
    _key, _people, cookies, env = learners
    port = local_s3.free_port()
    argv = [redis_server, "--port", str(port), "--save", "", "--appendonly", "no"]
    argv += ["--bind", "127.0.0.1", "--dir", str(tmp_path)]
    redis = {"process": subprocess.Popen(argv, stdout=subprocess.DEVNULL)}
    node, url = start_node(
        dict(env, REDIS_CACHE_URL=f"redis://127.0.0.1:{port}/0", METRICS_TOKEN=TOKEN),
        tmp_path / "node.log",
    )
    marks: dict[str, float] = {}

    def restart() -> None:
        redis["process"].kill()  # SIGKILL: the cache is gone, sessions too
        redis["process"].wait()
        marks["down"] = time.monotonic()
        time.sleep(2)
        redis["process"] = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
        marks["up"] = time.monotonic()

    try:
        started = time.monotonic()
        results = _load(url, cookies, seconds=8, event_at=2, event=restart)
        scraped = requests.get(
            f"{url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=15
        )
    finally:
        stop_node(node)
        redis["process"].kill()
        redis["process"].wait()
    down, up = marks["down"] - started, marks["up"] - started
    outcomes = Counter(o for _at, o in results)
    during = Counter(o for at, o in results if down <= at < up)
    after = Counter(o for at, o in results if at >= up + 1.0)
    print(  # noqa: T201 (the counts are this test's report: pytest -s)
        f"\nRedis caído de {down:.1f} s a {up:.1f} s: {len(results)} peticiones "
        f"{dict(outcomes)}; durante la caída {dict(during)}; después {dict(after)}"
    )
    assert "500" not in outcomes
    assert set(outcomes) == {"200"}  # nobody signed out, no error
    assert during and after
    # The node's /metrics adds up both gunicorn processes' counters: every
    # request of the load (plus the start-up /healthz polls) is there.
    assert scraped.status_code == 200
    counted = _sample(
        scraped.text, "lms_http_requests_total", method="GET", status="200"
    )
    assert outcomes["200"] <= counted <= outcomes["200"] + 500


def _sample(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    raise AssertionError(f"falta {name} {labels} en /metrics:\n{text[:2000]}")
