"""Localities through a real PgBouncer in transaction mode: no row in the wrong schema.

Each test starts PgBouncer on a free port with one or two server connections and
opens several Django connections through it, as web and worker processes would.
The first test shows the trap with django-tenants' own backend (the check can see
a leak); the others run ``tenants.pooled_backend`` (production's) under load.
"""

from __future__ import annotations

import copy
import random
import threading

import pytest
from django.db import connections, transaction
from django.db.utils import load_backend

from lms.database import behind_transaction_pooler
from tests.conftest import TOWN_A, TOWN_B
from tests.deploy.pgbouncer import NOT_INSTALLED, transaction_pooler

SCHEMAS = (TOWN_A.schema_name, TOWN_B.schema_name)
PROBE = "pooler_probe"


def _wrapper(settings_dict, alias):
    settings_dict = copy.deepcopy(settings_dict)
    settings_dict.setdefault("TIME_ZONE", None)
    settings_dict["CONN_MAX_AGE"] = 0
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        settings_dict, alias
    )
    # Registered under its alias: django.contrib.postgres looks every new
    # connection up by alias to register its types (hstore) when it connects.
    connections[alias] = wrapper
    return wrapper


@pytest.fixture
def server(db, django_db_blocker):
    """A direct connection to the test database (outside the test transaction),
    with a probe table in each test locality."""
    with django_db_blocker.unblock():
        direct = _wrapper(connections["default"].settings_dict, "direct")
        with direct.cursor() as cursor:
            for schema in SCHEMAS:
                cursor.execute(
                    f'CREATE TABLE IF NOT EXISTS "{schema}".{PROBE} '
                    "(id bigserial PRIMARY KEY, written_for text NOT NULL)"
                )
        yield direct
        with direct.cursor() as cursor:
            for schema in SCHEMAS:
                cursor.execute(f'DROP TABLE IF EXISTS "{schema}".{PROBE}')
        direct.close()


def _pooler(server, pool_size):
    try:
        return transaction_pooler(server.settings_dict, pool_size=pool_size)
    except FileNotFoundError:  # pragma: no cover - depends on the machine
        pytest.skip(NOT_INSTALLED)


def _rows_by_schema(direct) -> dict[str, list[str]]:
    with direct.cursor() as cursor:
        found = {}
        for schema in SCHEMAS:
            cursor.execute(f'SELECT written_for FROM "{schema}".{PROBE}')
            found[schema] = [row[0] for row in cursor.fetchall()]
    return found


def _require_pgbouncer():
    import shutil
    from pathlib import Path

    if not (shutil.which("pgbouncer") or Path("/usr/sbin/pgbouncer").exists()):
        pytest.skip(NOT_INSTALLED)


def _interleave_two_clients(pooled_settings):
    """A sets its locality and reads; B sets the other and reads; A writes."""
    a = _wrapper(pooled_settings, "client-a")
    b = _wrapper(pooled_settings, "client-b")
    try:
        a.set_schema(SCHEMAS[0])
        b.set_schema(SCHEMAS[1])
        with a.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {PROBE}")
        with b.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {PROBE}")
        with a.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {PROBE} (written_for) VALUES (%s)", [SCHEMAS[0]]
            )
    finally:
        a.close()
        b.close()


def test_the_trap_django_tenants_alone_writes_into_the_other_locality(server, settings):
    """The unsafe setup leaks on one shared server connection: the check works."""
    _require_pgbouncer()
    settings.TENANT_LIMIT_SET_CALLS = True
    with _pooler(server, pool_size=1) as pooled:
        _interleave_two_clients(
            {**pooled, "ENGINE": "django_tenants.postgresql_backend"}
        )

    found = _rows_by_schema(server)
    # Kennedy's row was written into Bosa's schema.
    assert found == {SCHEMAS[0]: [], SCHEMAS[1]: [SCHEMAS[0]]}


def test_the_production_backend_keeps_the_same_sequence_in_its_locality(server):
    _require_pgbouncer()
    with _pooler(server, pool_size=1) as pooled:
        _interleave_two_clients(behind_transaction_pooler(pooled))

    assert _rows_by_schema(server) == {SCHEMAS[0]: [SCHEMAS[0]], SCHEMAS[1]: []}


ROUNDS = 60
CLIENTS_PER_LOCALITY = 3


def _client(pooled_settings, schema, number, start, errors, written):
    alias = f"pooled-{schema}-{number}"
    wrapper = _wrapper(pooled_settings, alias)
    connections[alias] = wrapper  # thread-local: lets atomic(using=alias) find it
    rng = random.Random(f"{schema}-{number}")  # noqa: S311 - a repeatable order
    count = 0
    try:
        start.wait()
        wrapper.set_schema(schema)
        for _round in range(ROUNDS):
            step = rng.randrange(4)
            if step == 0:  # autocommit write
                with wrapper.cursor() as cursor:
                    cursor.execute(
                        f"INSERT INTO {PROBE} (written_for) VALUES (%s)", [schema]
                    )
                count += 1
            elif step == 1:  # autocommit read: only this locality's rows
                with wrapper.cursor() as cursor:
                    cursor.execute(f"SELECT DISTINCT written_for FROM {PROBE}")
                    seen = {row[0] for row in cursor.fetchall()}
                assert seen <= {schema}, f"{schema} read {seen}"
            elif step == 2:  # a transaction: write, read back, savepoint rolled back
                with transaction.atomic(using=alias):
                    with wrapper.cursor() as cursor:
                        cursor.execute(
                            f"INSERT INTO {PROBE} (written_for) VALUES (%s) "
                            "RETURNING id",
                            [schema],
                        )
                        cursor.fetchone()
                    try:
                        with transaction.atomic(using=alias):
                            with wrapper.cursor() as cursor:
                                cursor.execute(
                                    f"INSERT INTO {PROBE} (written_for) VALUES (%s)",
                                    ["rolled back"],
                                )
                            raise RuntimeError("roll back the savepoint")
                    except RuntimeError:
                        pass
                    with wrapper.cursor() as cursor:
                        cursor.execute(f"SELECT DISTINCT written_for FROM {PROBE}")
                        seen = {row[0] for row in cursor.fetchall()}
                    assert seen <= {schema}, f"{schema} read {seen}"
                count += 1
            else:  # executemany outside a transaction
                with wrapper.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO {PROBE} (written_for) VALUES (%s)",
                        [[schema], [schema]],
                    )
                count += 2
            # The other locality's clients go next: change tenants back and forth.
            if rng.random() < 0.3:
                wrapper.set_schema_to_public()
                wrapper.set_schema(schema)
    except BaseException as exc:  # noqa: BLE001 - reported by the test, not lost
        errors.append(f"{alias}: {exc!r}")
    finally:
        written[alias] = count
        wrapper.close()
        del connections[alias]


@pytest.mark.parametrize("pool_size", [1, 2])
def test_interleaved_localities_through_transaction_pooling_stay_apart(
    server, pool_size
):
    _require_pgbouncer()
    errors: list[str] = []
    written: dict[str, int] = {}
    with _pooler(server, pool_size=pool_size) as pooled:
        settings_dict = behind_transaction_pooler(pooled)
        start = threading.Barrier(2 * CLIENTS_PER_LOCALITY)
        threads = [
            threading.Thread(
                target=_client,
                args=(settings_dict, schema, number, start, errors, written),
            )
            for schema in SCHEMAS
            for number in range(CLIENTS_PER_LOCALITY)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert errors == []
    found = _rows_by_schema(server)
    for schema in SCHEMAS:
        expected = sum(n for alias, n in written.items() if schema in alias)
        assert expected > 0
        assert set(found[schema]) == {schema}, f"foreign rows in {schema}"
        assert len(found[schema]) == expected
