"""A request gunicorn cannot parse, or whose app fails after its view, costs no worker.

gunicorn answers such a request itself and writes its access log line through the
logger class in gunicorn.conf.py, with no PATH_INFO in the environ: the logger once
failed on that, and the exception ended the worker process (issue 16).
"""

from __future__ import annotations

import socket

import pytest
import requests

from tests.servers import WITH_FAULTS, Gunicorn, Servers

# Slow: real gunicorn servers.
pytestmark = pytest.mark.slow

SECRET = "Zq3xSecretToken0123456789"
# Each framing is refused by gunicorn before the app sees it.
FRAMINGS = {
    "Transfer-Encoding: gzip": (
        b"POST / HTTP/1.1\r\nHost: lyftkollen.test\r\nTransfer-Encoding: gzip\r\n\r\n"
    ),
    "Content-Length and chunked": (
        b"POST / HTTP/1.1\r\nHost: lyftkollen.test\r\nContent-Length: 5\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    ),
    "two Content-Lengths, on a private link": (
        f"POST /a/{SECRET}/steg/2?next=/a/{SECRET} HTTP/1.1\r\nHost: lyftkollen.test\r\n"
        "Content-Length: 1\r\nContent-Length: 1\r\n\r\nx"
    ).encode(),
}


def send_raw(server: Gunicorn, request: bytes) -> bytes:
    """Send ``request`` as it is on a new connection; everything the server answers."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def assert_same_workers_serving(server: Gunicorn, before: list[int]) -> None:
    for _ in range(4):  # each sync worker takes whichever request comes when it is free
        assert requests.get(server.url + "/healthz", timeout=30).status_code == 200
    assert server.workers() == before
    log = server.log.read_text(errors="replace")
    assert "Worker exiting" not in log and "exited with code" not in log, log


def test_malformed_framing_answers_400_and_keeps_the_worker(
    servers: Servers, database_url: str
) -> None:
    # Sync workers, as gunicorn.conf.py starts them by default: one request at a time,
    # and an exception in the request's handling reaches the worker's loop.
    server = servers.start(database_url, workers=2, threads=1, worker_class="sync")
    before = server.workers()
    for framing, request in FRAMINGS.items():
        answer = send_raw(server, request)
        assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n"), (framing, answer)
    assert_same_workers_serving(server, before)
    # gunicorn writes the access line of a request it answers itself before the answer.
    log = server.log.read_text(errors="replace")
    assert log.count('"POST / HTTP/1.1" 400') == 2, log
    assert '"POST /a/…/steg/2?… HTTP/1.1" 400' in log, log
    assert SECRET not in log, log


def test_a_failing_database_teardown_answers_500_and_keeps_the_worker(
    servers: Servers, database_url: str
) -> None:
    """The teardown runs after the view, so gunicorn, not the app, answers its failure:
    the same way as for a framing it refuses, behind a proxy too."""
    server = servers.start(
        database_url, workers=2, threads=1, worker_class="sync", application=WITH_FAULTS
    )
    before = server.workers()
    for _ in range(2):
        answer = requests.get(f"{server.url}/a/{SECRET}/_fel-vid-stangning", timeout=30)
        assert answer.status_code == 500
    assert_same_workers_serving(server, before)
    log = server.log.read_text(errors="replace")
    assert log.count('"GET /a/…/_fel-vid-stangning HTTP/1.1" 500') == 2, log
    assert "Error handling request GET /a/…/_fel-vid-stangning" in log, log
    assert "server closed the connection unexpectedly" in log, log  # the teardown's error
    assert SECRET not in log, log
