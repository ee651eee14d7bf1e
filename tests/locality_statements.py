"""pytest plugin: no SQL statement of the suite names two locality schemas.

Why: past one machine, PostgreSQL with Citus schema-based sharding makes each
locality schema a distributed schema that may live on its own node (public
tables become reference tables, on every node). A statement that touches two
locality schemas cannot be routed to one node and fails there. The code keeps
that possible by working across localities only in explicit loops, one
locality per statement (``tenants.api.locality_schemas()``); this plugin checks
it on every statement the suite sends, so a query that joins or unions two
localities fails the test that ran it (``docs/deploy.md``, ADR 0040).

How: an execute wrapper (``connection.execute_wrappers``) on every Django
connection, attached when it connects, looks at each statement's text:

- the locality schemas it names (``"test_bosa".table``, ``test_bosa.table``,
  or in a ``SET search_path``), plus the locality its own search path selects
  (the connection's active locality), when it names any: a statement run in
  Kennedy that names Bosa's tables counts as touching both, because whether an
  unqualified table in it resolves to Kennedy cannot be told from the text;
- 2 or more: it is recorded. The test during whose call it ran fails, naming
  the statement; one sent outside a test (a fixture) fails the session.

Locality schemas are learnt as the session goes: every schema a connection
activates, every ``CREATE SCHEMA`` and every ``clone_schema`` target, minus
``public``, the template and PostgreSQL's own. Parameters are never read as
names (a schema name passed as a value, as the outbox and reporting tables
do, is data, not a table reference). Statements sent through a raw psycopg
cursor bypass Django's wrappers and are not seen (the pooler and backup tests
use some, on purpose).

Cost: a set lookup and one precompiled regular expression per statement.
"""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.db.backends.signals import connection_created

NOT_LOCALITIES = frozenset(
    {"public", "locality_template", "information_schema", "pg_catalog", "pg_toast"}
)
_CREATED = re.compile(
    r'CREATE\s+SCHEMA\s+(?:IF\s+NOT\s+EXISTS\s+)?"?(\w+)"?', re.IGNORECASE
)


@dataclass(frozen=True)
class Crossing:
    schemas: tuple[str, ...]
    active: str
    sql: str


@dataclass
class StatementRecorder:
    """Looks at each statement; keeps those that touch two locality schemas."""

    localities: set[str] = field(default_factory=set)
    statements: int = 0
    in_localities: int = 0
    crossings: list[Crossing] = field(default_factory=list)
    _expected: list[Crossing] | None = None
    _named: re.Pattern | None = None
    _in_path: re.Pattern | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def learn(self, name: str) -> None:
        if name in self.localities or name in NOT_LOCALITIES:
            return
        if name.startswith("pg_"):
            return
        with self._lock:
            self.localities.add(name)
            names = "|".join(sorted(map(re.escape, self.localities), key=len)[::-1])
            # A name followed by a dot is a schema qualifying a table.
            self._named = re.compile(rf'(?<![\w.])"?({names})"?\s*\.')
            self._in_path = re.compile(rf'(?<![\w.])"?({names})"?(?![\w.])')

    def learn_clone_target(self, params) -> None:
        """django-tenants' ``SELECT clone_schema(base, new, mode)``: learn ``new``."""
        if isinstance(params, dict):
            target = params.get("new_schema")
        elif isinstance(params, list | tuple) and len(params) > 1:
            target = params[1]
        else:
            target = None
        if isinstance(target, str):
            self.learn(target)

    def named(self, sql: str) -> set[str]:
        """The known locality schemas the text of ``sql`` names as schemas."""
        if self._named is None:
            return set()
        found = set(self._named.findall(sql))
        if "search_path" in sql.lower():
            found.update(self._in_path.findall(sql))
        return found

    def inspect(self, sql, params, connection) -> None:
        if isinstance(sql, bytes):
            sql = sql.decode(errors="replace")
        if not isinstance(sql, str):
            return  # a psycopg Composable: only raw psycopg code builds those
        self.statements += 1
        active = getattr(connection, "schema_name", "public")
        if active not in NOT_LOCALITIES:
            self.in_localities += 1
            if active not in self.localities:
                self.learn(active)
        if ("SCHEMA" in sql or "clone_schema" in sql) and "FUNCTION" not in sql:
            for name in _CREATED.findall(sql):
                self.learn(name)
            if "clone_schema" in sql:
                self.learn_clone_target(params)
        touched = self.named(sql)
        if touched and active not in NOT_LOCALITIES:
            touched.add(active)
        if len(touched) >= 2:
            crossing = Crossing(tuple(sorted(touched)), active, sql[:500])
            if self._expected is not None:
                self._expected.append(crossing)
            else:
                self.crossings.append(crossing)

    def __call__(self, execute, sql, params, many, context):
        self.inspect(sql, None if many else params, context["connection"])
        return execute(sql, params, many, context)

    @contextmanager
    def crossing_expected(self):
        """Collect crossings into the yielded list instead of failing (self-tests)."""
        seen: list[Crossing] = []
        self._expected = seen
        try:
            yield seen
        finally:
            self._expected = None


RECORDER = StatementRecorder()


def _attach(sender, connection, **kwargs) -> None:
    if RECORDER not in connection.execute_wrappers:
        connection.execute_wrappers.append(RECORDER)


connection_created.connect(_attach, dispatch_uid="tests.locality_statements")


def _describe(crossings: list[Crossing]) -> str:
    return "\n".join(
        f"- {', '.join(c.schemas)} (activa: {c.active}): {c.sql}" for c in crossings
    )


@pytest.fixture
def statement_recorder():
    """The session's recorder, for tests that look at what it saw."""
    return RECORDER


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    before = len(RECORDER.crossings)
    result = yield
    new = RECORDER.crossings[before:]
    if new:
        del RECORDER.crossings[before:]
        raise AssertionError(
            "Sentencias que nombran dos esquemas de localidad (imposibles con Citus "
            "por esquemas; docs/deploy.md):\n" + _describe(new)
        )
    return result


def pytest_sessionfinish(session, exitstatus):
    if RECORDER.crossings and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if RECORDER.crossings:
        terminalreporter.section("sentencias entre dos localidades", red=True)
        terminalreporter.write_line(
            "Fuera de una prueba (fixtures), sentencias que nombran dos esquemas de "
            "localidad:\n" + _describe(RECORDER.crossings)
        )
    if RECORDER.statements:
        terminalreporter.write_line(
            f"Sentencias SQL revisadas: {RECORDER.statements} "
            f"({RECORDER.in_localities} en una localidad); ninguna otra nombra dos "
            "esquemas de localidad."
            if not RECORDER.crossings
            else f"Sentencias SQL revisadas: {RECORDER.statements}."
        )
