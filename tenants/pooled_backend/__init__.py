"""django-tenants' PostgreSQL backend, safe behind a transaction-mode pooler.

``ENGINE = "tenants.pooled_backend"`` (ADR 0018).
"""
