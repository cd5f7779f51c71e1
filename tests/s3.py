"""An S3 API on loopback for the suite (moto's server): the documents' bucket of a multi-node
deployment, spoken to over HTTP by the same client code production uses."""

from __future__ import annotations

import contextlib
import uuid

import boto3
import pytest

BUCKET = "taskforce-documents"
KEY, SECRET = "test-key", "test-secret"  # moto accepts any; given so no real credential is used


@contextlib.contextmanager
def running_s3():
    """Yields the endpoint of a moto S3 server on a free loopback port, with the bucket made."""
    from moto.server import ThreadedMotoServer  # imported only by the tests that use it

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        client(endpoint).create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        server.stop()


def client(endpoint: str):
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=KEY, aws_secret_access_key=SECRET,
    )  # fmt: skip


def documents_url(endpoint: str, *, prefix: str | None = None, extra: str = "") -> str:
    """A PRIVATE_FILES_URL for the bucket, under a prefix of its own (one per test)."""
    prefix = prefix or f"run-{uuid.uuid4().hex[:8]}"
    return f"s3://{KEY}:{SECRET}@{BUCKET}/{prefix}?endpoint={endpoint}&region=us-east-1{extra}"


@pytest.fixture(scope="session")
def s3_endpoint():
    """One S3 server for the whole run; each test writes under a prefix of its own."""
    with running_s3() as endpoint:
        yield endpoint
