"""Every statement carries its own ``search_path``: safe behind PgBouncer's
transaction pooling (docs/decisions/0018-production-topology.md).

django-tenants sets the schema with a session-level ``SET search_path`` and, with
``TENANT_LIMIT_SET_CALLS``, only when the locality changes. Behind a pooler in
transaction mode each transaction may run on a different server connection, so
a statement can run with the ``search_path`` another client left there: rows
land in, or are read from, another locality's schema. Setting the path before
every cursor (``TENANT_LIMIT_SET_CALLS = False``) is not enough either: in
autocommit the ``SET`` and the query are two transactions, and the pooler may
hand them to two server connections.

Here each statement is sent as one simple-protocol query string
``SET search_path = …; <statement>``. PostgreSQL runs such a string as one
implicit transaction (or inside the open one), so the pooler keeps both on the
same server connection, in every mode: autocommit, ``atomic()``, savepoints.
Django's psycopg 3 cursors bind parameters on the client (the default,
``server_side_binding`` off), which is what allows two statements in one string;
this backend refuses the other settings that would silently break it:
server-side binding and server-side (named) cursors.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.postgresql import base as postgresql_base
from django_tenants.postgresql_backend import base as tenants_base
from django_tenants.utils import quote_schema_name
from psycopg import sql


class SchemaCarryingCursor(postgresql_base.Cursor):
    """A client-side-binding cursor that prefixes each statement with its schema."""

    def _search_path_sql(self) -> str:
        # The Django connection this psycopg connection belongs to (set when it
        # was opened) knows the current locality, read at each statement.
        return self.connection.lms_search_path_source.search_path_statement()

    def execute(self, query, params=None, **kwargs):
        if isinstance(query, sql.Composable):
            query = query.as_string(self)
        elif isinstance(query, bytes):
            query = query.decode()
        prefix = self._search_path_sql()
        if params is not None:
            # The prefix goes through the same %-placeholder parsing as the query.
            prefix = prefix.replace("%", "%%")
        super().execute(f"{prefix}; {query}", params, **kwargs)
        # The SET's empty result comes first; the caller wants the statement's.
        self.nextset()
        return self

    def executemany(self, query, params_seq, **kwargs):
        # executemany cannot carry two statements (psycopg may pipeline it): set
        # the path once inside one transaction that holds every execution.
        if isinstance(query, sql.Composable):
            query = query.as_string(self)
        connection = self.connection
        if connection.autocommit:
            with connection.transaction():
                self._set_path_then_many(query, params_seq, **kwargs)
        else:
            self._set_path_then_many(query, params_seq, **kwargs)

    def _set_path_then_many(self, query, params_seq, **kwargs):
        postgresql_base.Cursor.execute(self, self._search_path_sql())
        super().executemany(query, params_seq, **kwargs)


class DatabaseWrapper(tenants_base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._search_path_cache: tuple[tuple[str, ...], str] | None = None
        if not self.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
            raise ImproperlyConfigured(
                "tenants.pooled_backend necesita DISABLE_SERVER_SIDE_CURSORS = True "
                "(un cursor con nombre no sobrevive a un pooler por transacción)."
            )

    def get_connection_params(self):
        params = super().get_connection_params()
        if params.get("cursor_factory") is not postgresql_base.Cursor:
            raise ImproperlyConfigured(
                "tenants.pooled_backend necesita enlazar parámetros en el cliente: "
                "quite OPTIONS['server_side_binding']."
            )
        params["cursor_factory"] = SchemaCarryingCursor
        return params

    def create_cursor(self, name=None):
        if name:
            raise ImproperlyConfigured(
                "Cursores del lado del servidor desactivados tras un pooler."
            )
        return super().create_cursor(name)

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        # Read by every cursor of this connection, Django's or psycopg's own.
        connection.lms_search_path_source = self
        return connection

    def _handle_search_path(self, cursor=None):
        # Never a separate SET: every statement carries its own (see the cursor).
        return

    def search_path_statement(self) -> str:
        paths = tuple(self._get_cursor_search_paths())
        cached = self._search_path_cache
        if cached is None or cached[0] != paths:
            quoted = ",".join(quote_schema_name(s) for s in paths)
            cached = self._search_path_cache = (paths, f"SET search_path = {quoted}")
        return cached[1]
