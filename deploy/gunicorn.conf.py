"""gunicorn settings for one web node (``make prod-local`` starts two).

The address comes from ``--bind``; the rest is the same for every node.
"""

import os

# Two cores on this machine kind: two processes, a few threads each (requests
# wait on the database and Redis more than they compute).
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 60
graceful_timeout = 20
keepalive = 30
# Restart each process now and then, so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# nginx is the only client and sets X-Forwarded-*.
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
errorlog = "-"
