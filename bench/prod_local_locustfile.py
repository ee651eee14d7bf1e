"""Locust: learners of a campaign through nginx, against ``make prod-local``.

Driven by ``bench/prod_local_load.py``, which seeds the learners and writes the
plan named by PROD_LOAD_PLAN (JSON: scenario, the signed-in marker, the CSRF
value, and one entry per learner: host, session cookie, course and lesson
URLs, H5P activity key). Each simulated person takes the next learner of the
plan and, depending on the scenario:

- ``recorrido`` (a learner's journey): course page, each lesson (the last one
  completes the course: a certificate and notices are queued), one xAPI
  statement after each lesson, the learner's courses (JSON), the locality's
  home page as an anonymous visitor; then the next learner;
- ``lecciones``: lesson pages only, by learners who already read them (the
  read path of a course in progress);
- ``xapi``: one xAPI statement per request.

Any status other than 200, and a lesson page without the signed-in marker
(an anonymous page would look fine otherwise), is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from pathlib import Path

from locust import HttpUser, constant, task

PLAN = json.loads(Path(os.environ["PROD_LOAD_PLAN"]).read_text())
_next = itertools.count()
VERB = "http://adlnet.gov/expapi/verbs/answered"


def _statement(activity: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "verb": {"id": VERB},
        "object": {"id": f"http://carga.local/h5p/{activity}/"},
        "result": {"score": {"raw": 1, "max": 1, "scaled": 1.0}, "success": True},
    }


class Learner(HttpUser):
    wait_time = constant(0)  # closed loop: each person sends back to back

    def on_start(self) -> None:
        self._take_next()

    def _take_next(self) -> None:
        learners = PLAN["learners"]
        self.me = learners[next(_next) % len(learners)]
        self.client.cookies.clear()
        self.client.cookies.set("sessionid", self.me["cookie"])
        self.client.cookies.set("csrftoken", PLAN["csrf"])
        self.steps = self._journey() if PLAN["scenario"] == "recorrido" else None

    def _journey(self):
        yield lambda: self._page(self.me["course"], "curso")
        for url in self.me["lessons"]:
            yield lambda url=url: self._page(url, "lección", signed_in=True)
            if self.me["h5p"]:
                yield self._xapi
        yield lambda: self._get("/api/aprendizaje/mis-cursos", "mis cursos (JSON)")
        yield self._anonymous_home

    @task
    def act(self) -> None:
        scenario = PLAN["scenario"]
        if scenario == "lecciones":
            url = random.choice(self.me["lessons"])  # noqa: S311 (not a secret)
            self._page(url, "lección", signed_in=True)
            self._take_next()
        elif scenario == "xapi":
            self._xapi()
        else:
            step = next(self.steps, None)
            if step is None:
                self._take_next()
                step = next(self.steps)
            step()

    def _headers(self) -> dict[str, str]:
        return {"Host": self.me["host"]}

    def _get(self, url: str, name: str) -> None:
        with self.client.get(
            url, headers=self._headers(), name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")

    def _page(self, url: str, name: str, *, signed_in: bool = False) -> None:
        with self.client.get(
            url, headers=self._headers(), name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif signed_in and PLAN["signed_in_marker"] not in response.text:
                response.failure("página anónima: la sesión no está iniciada")

    def _xapi(self) -> None:
        key = self.me["h5p"]
        with self.client.post(
            f"/h5p/{key}/xapi/",
            json=[_statement(key)],
            headers={**self._headers(), "X-CSRFToken": PLAN["csrf"]},
            name="xAPI (1 declaración)",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or response.json().get("stored") != 1:
                response.failure(f"{response.status_code} {response.text[:120]}")

    def _anonymous_home(self) -> None:
        # Without the learner's cookies: the home page an anonymous visitor gets.
        self.client.cookies.clear()
        try:
            self._get("/", "portada (anónima)")
        finally:
            self.client.cookies.set("sessionid", self.me["cookie"])
            self.client.cookies.set("csrftoken", PLAN["csrf"])
