"""A web node killed (``kill -9``) behind nginx during a load run: nginx fails
over, and the only errors are requests the dead node had in flight.

Two gunicorn nodes (``deploy/gunicorn.conf.py``, 2 processes x 2 threads) on
the test database, behind nginx with the project's own configuration
(``deploy/templates/nginx.conf``, the file ``make prod-local`` runs). Six
clients enrol 80 signed-in learners through nginx, each enrolment followed by a
read of the learner's courses; a quarter of the way in, one node is killed.

Counted and asserted:

- every failed request was in flight when the node died (started before the
  kill ended, answered after it began); from the moment the node is gone every
  request succeeds (nginx skips it: a refused connection goes to the other node);
- a GET in flight on the dead node is retried by nginx on the other node
  (``proxy_next_upstream error timeout``: the learner sees a 200); a POST in
  flight is not replayed by nginx (it may have been committed) and answers 502:
  the client retries it, as the player's relay does, and the enrolment is
  stored exactly once;
- nginx had spread the load over both nodes before the kill; no 500.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass

import pytest
import requests

from .learner_load import LEARNERS, enrollments, headers
from .proxy import NOT_INSTALLED, nginx_binary, proxy_config, start_proxy, stop_proxy
from .web_nodes import kill_node, start_node, stop_node

pytestmark = pytest.mark.worker

CLIENTS = 6
OK = {"200", "201"}


@dataclass(frozen=True)
class Sent:
    method: str
    started: float
    ended: float
    outcome: str  # status code or the client's error name


def test_nginx_accepts_the_project_file(db, tmp_path):
    """nginx itself checks the file prod-local runs (``nginx -t``), and it fails
    over only where nothing may have been done twice.

    (Runs first: its ``db`` also has pytest-django set up the test database,
    which the load test's committed learners need.)
    """
    binary = nginx_binary()
    if binary is None:
        pytest.fail(NOT_INSTALLED)
    conf = proxy_config(tmp_path, [18001, 18002], 18000)
    checked = subprocess.run(
        [binary, "-t", "-c", str(conf), "-p", str(conf.parent), "-e", "stderr"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    text = conf.read_text()
    assert "server 127.0.0.1:18001 max_fails=1" in text
    assert "server 127.0.0.1:18002 max_fails=1" in text
    # A POST the dead node may have committed is never replayed by nginx.
    assert "proxy_next_upstream error timeout;" in text
    assert "non_idempotent" not in text


def _send(session, method: str, url: str, cookies: dict, log: list[Sent]) -> Sent:
    started = time.monotonic()
    try:
        response = session.request(
            method,
            url,
            json={} if method == "POST" else None,
            cookies=cookies,
            headers=headers(),
            timeout=15,
        )
        outcome = str(response.status_code)
        if response.status_code == 400 and "ya está hecha" in response.json().get(
            "detail", ""
        ):
            outcome = "stored-before"  # a retry found what a lost answer committed
    except requests.RequestException as exc:
        outcome = type(exc).__name__
    sent = Sent(method, started, time.monotonic(), outcome)
    log.append(sent)
    return sent


def _served_by(node_log) -> int:
    return node_log.read_text().count("/api/aprendizaje/")


def test_nginx_fails_over_when_a_web_node_is_killed(
    learners, django_db_blocker, tmp_path
):
    if nginx_binary() is None:
        pytest.fail(NOT_INSTALLED)
    key, people, cookies, env = learners
    node_a, url_a = start_node(env, tmp_path / "node-a.log")
    node_b, url_b = start_node(env, tmp_path / "node-b.log")
    ports = [int(url.rsplit(":", 1)[1]) for url in (url_a, url_b)]
    proxy = None
    log: list[Sent] = []
    enrolled = [False] * LEARNERS
    progress = Counter()
    lock = threading.Lock()

    def client(n: int) -> None:
        local: list[Sent] = []
        with requests.Session() as session:
            for learner in range(n, LEARNERS, CLIENTS):
                enrol = f"{url}/api/aprendizaje/cursos/{key}/inscripcion"
                for _attempt in range(8):
                    sent = _send(session, "POST", enrol, cookies[learner], local)
                    if sent.outcome in ("201", "stored-before"):
                        enrolled[learner] = True
                        break
                    time.sleep(0.1)
                mine = f"{url}/api/aprendizaje/mis-cursos"
                _send(session, "GET", mine, cookies[learner], local)
                with lock:
                    progress["learners"] += 1
        with lock:
            log.extend(local)

    try:
        proxy, url = start_proxy(tmp_path / "proxy", ports)
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while progress["learners"] < LEARNERS // 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        served_a_before = _served_by(tmp_path / "node-a.log")
        kill_began = time.monotonic()
        kill_node(node_a)
        kill_ended = time.monotonic()
        killed_after = progress["learners"]
        for thread in threads:
            thread.join(timeout=240)
    finally:
        if proxy is not None:
            stop_proxy(proxy)
        stop_node(node_a)
        stop_node(node_b)

    outcomes = Counter((s.method, s.outcome) for s in log)
    in_flight = [s for s in log if s.started <= kill_ended and s.ended >= kill_began]
    failed = [s for s in log if s.outcome not in OK | {"stored-before"}]
    after = [s for s in log if s.started > kill_ended]
    with django_db_blocker.unblock():
        stored = enrollments(key, [p.pk for p in people])
    twice = sum(1 for count in stored.values() if count > 1)
    print(  # noqa: T201 (the counts are this test's report: pytest -s)
        f"\nnodo matado tras {killed_after}/{LEARNERS} personas "
        f"(el nodo había servido {served_a_before} peticiones): {len(log)} peticiones "
        f"por nginx {dict(outcomes)}; en curso al matarlo {len(in_flight)} "
        f"({dict(Counter(s.method for s in in_flight))}); fallidas {len(failed)} "
        f"({dict(Counter((s.method, s.outcome) for s in failed))}), todas en curso: "
        f"{all(s in in_flight for s in failed)}; después {len(after)} peticiones, "
        f"{sum(1 for s in after if s.outcome not in OK | {'stored-before'})} con error; "
        f"inscripciones guardadas {len(stored)}/{LEARNERS}, dobles {twice}"
    )
    assert all(not thread.is_alive() for thread in threads)
    assert served_a_before > 0  # nginx used both nodes before the kill
    assert all(s in in_flight for s in failed)  # errors only for requests in flight
    assert len(failed) <= len(in_flight)
    assert after and all(s.outcome in OK | {"stored-before"} for s in after)
    assert not any(outcome == "500" for _method, outcome in outcomes)
    assert all(enrolled)
    assert len(stored) == LEARNERS and twice == 0
