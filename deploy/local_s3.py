"""The local S3-compatible server of the tests and of ``make prod-local``.

It is moto's server (``moto[server]``, a dev dependency from PyPI): it speaks
the S3 REST API that django-storages (boto3) uses, signature v4 included, starts
in about a second as a plain process, and needs no binary download or Debian
package. It keeps objects in memory, so it is a stand-in for the rehearsal and
the tests only; a deployment points ``MEDIA_S3_ENDPOINT_URL`` at a real service
(the cloud's S3, or MinIO/Garage/Ceph run by IDPAC). docs/deploy.md says more.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

ACCESS_KEY = "local-s3"
SECRET_KEY = "local-s3-secret"  # noqa: S105 (a local stand-in, no real data)
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, log: Path, **popen) -> subprocess.Popen:
    """Start the server on 127.0.0.1:``port``; returns once it answers."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as handle:
        process = subprocess.Popen(  # noqa: S603 (our own argv, no shell)
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            **popen,
        )
    deadline = time.monotonic() + 30
    while True:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"el servidor S3 local no arrancó: {log}")
        time.sleep(0.1)


def client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )


def create_buckets(endpoint: str, *, public: str, private: str) -> None:
    """The media bucket (anyone may read objects) and the private one (nobody)."""
    s3 = client(endpoint)
    for bucket in (public, private):
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(
        Bucket=public,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{public}/*",
                    }
                ],
            }
        ),
    )


def environment(endpoint: str, *, public: str, private: str) -> dict[str, str]:
    """The variables that point the settings at this server (lms/settings/media.py)."""
    return {
        "MEDIA_S3_BUCKET": public,
        "MEDIA_S3_PRIVATE_BUCKET": private,
        "MEDIA_S3_ENDPOINT_URL": endpoint,
        "MEDIA_S3_ACCESS_KEY_ID": ACCESS_KEY,
        "MEDIA_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "MEDIA_S3_REGION": REGION,
    }
