"""Ways official project data enters a locality's registry.

``spreadsheet``: a CSV/XLSX file from the alcaldía local. ``decidim`` and
``secop``: official figures read from outside services over HTTP (``http``
holds the one place that talks to them). Reached only through
``monitoring.api``.
"""
