"""The nightly refresh in a real Celery worker: each locality's task reads and
writes that locality's schema, sent from public as beat sends it.

Eager mode would run in the test's own connection and hide a task that forgot
to enter its locality, so this sends the beat task to a worker process. SECOP
II is a small local HTTP server answering like datos.gov.co (its address comes
from ``MONITORING_SECOP_CONTRACTS_URL``): only the outside world is faked. The
worker reads committed data; the test removes what it committed.
"""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from celery.result import AsyncResult
from django.conf import settings
from django.db import connection

from lms.celery import app
from monitoring import api
from monitoring.models import InvestmentProject, SourceSync
from monitoring.tasks import refresh_all_localities_task
from tenants import api as tenants_api

from ..workers import start_worker, stop_worker, worker_env

# One contract per locality; the fake SECOP knows both, each with its own value.
CONTRACTS = {
    "test_kennedy": ("CO1.PCCNTR.9100001", "111000000"),
    "test_bosa": ("CO1.PCCNTR.9100002", "222000000"),
}


@pytest.fixture(scope="module")
def fake_secop():
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            where = parse_qs(urlparse(self.path).query)["$where"][0]
            asked.append(where)
            rows = [
                {
                    "id_contrato": contract,
                    "estado_contrato": "En ejecución",
                    "valor_del_contrato": value,
                    "urlproceso": {"url": "https://community.secop.gov.co/x"},
                }
                for contract, value in CONTRACTS.values()
                if f"'{contract}'" in where
            ]
            body = json.dumps(rows).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.asked = asked
    server.url = f"http://127.0.0.1:{server.server_port}/resource/jbjy-vk9h.json"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, fake_secop):
    assert not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
    app.control.purge()  # tasks queued by earlier tests' rolled-back data
    with django_db_blocker.unblock():
        env = worker_env(MONITORING_SECOP_CONTRACTS_URL=fake_secop.url)
    log = Path(settings.DATA_DIR) / "test-celery" / "monitoring-worker.log"
    process = start_worker(env, log)
    process.log = log
    yield process
    stop_worker(process)
    app.control.purge()


@pytest.fixture
def committed(django_db_blocker):
    assert connection.settings_dict["NAME"].startswith("test_")
    with django_db_blocker.unblock():
        for schema, (contract, _value) in CONTRACTS.items():
            with tenants_api.in_locality(schema):
                api.create_project(
                    "WORKER-1",
                    f"Proyecto de {schema}",
                    line="infraestructura",
                    spending_concept="Parques",
                    budget=1_000_000,
                    upz_code="UPZ82" if schema == "test_kennedy" else "UPZ85",
                    secop_contract_id=contract,
                )
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        for schema in CONTRACTS:
            with tenants_api.in_locality(schema):
                InvestmentProject.objects.filter(code="WORKER-1").delete()
                SourceSync.objects.all().delete()
        connection.set_schema_to_public()


@pytest.mark.worker
def test_the_nightly_refresh_runs_each_locality_in_its_own_schema(
    worker, fake_secop, committed, django_db_blocker
):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        per_locality = refresh_all_localities_task.delay().get(timeout=90)
        assert sorted(per_locality) == tenants_api.locality_schemas(
            include_campus=False
        )
        for schema, (_contract, value) in CONTRACTS.items():
            outcome = AsyncResult(per_locality[schema]).get(timeout=90)
            assert outcome["secop"] == "1", worker.log.read_text()[-2000:]
            with tenants_api.in_locality(schema):
                project = api.get_project("WORKER-1")
                assert project.contract_value == Decimal(value)
                assert project.contract_status == "En ejecución"
        # Each locality asked only for its own contract.
        assert sorted(fake_secop.asked) == sorted(
            f"id_contrato in ('{contract}')" for contract, _ in CONTRACTS.values()
        )
        connection.set_schema_to_public()
