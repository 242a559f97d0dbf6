"""No log holds a private link, a join code, a query string or an address (issue 16):
gunicorn's access and error logs as gunicorn.conf.py configures them, the app's own log,
and werkzeug's development server; and a URL cannot start a log line of its own."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.servers import ROOT, WITH_FAULTS, Servers

# Slow: real servers in their own processes.
pytestmark = pytest.mark.slow


def test_the_access_log_leaves_out_links_codes_and_addresses(
    servers: Servers, database_url: str
) -> None:
    server = servers.start(database_url, workers=1, threads=2)
    secret = "Zq3xSecretToken0123456789"
    paths = (f"/a/{secret}/steg/2?next=/a/{secret}", f"/w/deltagare/{secret}/status")
    for path in (*paths, "/w/K7M2QX", "/healthz"):
        requests.get(server.url + path, timeout=30)
    # The log is written after each response: wait for the last private request's line
    # (the fixture's own /healthz checks are in the log already, so they mark no end).
    deadline = time.monotonic() + 10
    while '"GET /w/… HTTP/1.1"' not in server.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = server.log.read_text()
    assert '"GET /a/…/steg/2?… HTTP/1.1" 404' in log
    assert '"GET /w/… HTTP/1.1" 404' in log
    assert '"GET /w/deltagare/…/status HTTP/1.1" 404' in log
    assert '"GET /healthz HTTP/1.1" 200' in log
    access = [line for line in log.splitlines() if '"GET ' in line]
    assert len(access) >= 4  # the fixture asks /healthz too, until the server answers
    assert not [line for line in access if secret in line or "K7M2QX" in line or "127.0.0" in line]
    assert secret not in log and "K7M2QX" not in log, log


CODE = "K7M2QX"
FORGED = "FORGED-LOG-LINE"


def _private_failures(base: str, secret: str) -> None:
    """A failing request on every kind of private path, each in the app's error log with
    its traceback, and a path with a newline in it."""
    for path in (
        f"/a/{secret}/_fel?next=/a/{secret}",
        f"/api/v1/assessments/{secret}/_fel",
        f"/w/deltagare/{secret}/_fel",
        f"/w/{CODE}/_fel",
        f"/%0A{FORGED}/_fel",
        f"/healthz%0D%0A{FORGED}",
    ):
        response = requests.get(base + path, timeout=30)
        assert response.status_code in (404, 500), (path, response.status_code)


def _assert_nothing_private(log: str, secret: str) -> None:
    assert secret not in log, log
    assert CODE not in log, log
    assert "127.0.0.1" not in log, log  # the client's address
    assert not [line for line in log.splitlines() if line.startswith(FORGED)], log
    assert "Unhandled error on /a/…/_fel" in log, log  # masked, not missing
    assert "a fault on demand at /a/…/_fel?…" in log, log  # the traceback's message too


def test_no_gunicorn_log_holds_a_private_path_or_an_address(
    servers: Servers, database_url: str
) -> None:
    server = servers.start(
        database_url, workers=1, threads=1, worker_class="sync", application=WITH_FAULTS
    )
    secret = "Zq3xSecretToken0123456789"
    _private_failures(server.url, secret)
    # A request gunicorn refuses itself: its warning names the client's address.
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(
            f"POST /a/{secret} HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx".encode()
        )
        assert connection.recv(100).startswith(b"HTTP/1.1 400")
    requests.get(server.url + "/sist", timeout=30)
    deadline = time.monotonic() + 10
    while '"GET /sist HTTP/1.1" 404' not in server.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = server.log.read_text()  # stdout (the access log) and stderr (errors) both
    _assert_nothing_private(log, secret)
    assert '"GET /api/v1/assessments/…/_fel HTTP/1.1" 500' in log, log
    assert '"GET /healthz\\r\\nFORGED-LOG-LINE HTTP/1.1" 404' in log, log
    assert "Invalid request from ip=…" in log, log


DEVELOPMENT_SERVER = """
import sys
from werkzeug.serving import make_server
from app import create_app

app = create_app({"TESTING": True, "TEST_FAULTS": True, "SECRET_KEY": "development",
                  "SQLALCHEMY_DATABASE_URI": sys.argv[1], "AUTO_MIGRATE": False})
server = make_server("127.0.0.1", 0, app)
print(server.port, flush=True)
server.serve_forever()
"""


def test_no_development_server_log_holds_a_private_path_or_an_address(
    database_url: str, tmp_path: Path
) -> None:
    """werkzeug's server (flask run) logs each request with the client's address."""
    errors = tmp_path / "stderr.log"
    with errors.open("wb") as stderr:
        server = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-c", DEVELOPMENT_SERVER, database_url],
            cwd=ROOT,
            # A key from the environment: else each server would make instance/secret_key
            # in the checkout, two at once (pytest-xdist) racing to create it.
            env={**os.environ, "SECRET_KEY": "development"},
            stdout=subprocess.PIPE,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
        )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        secret = "Zq3xSecretToken0123456789"
        _private_failures(f"http://127.0.0.1:{port}", secret)
    finally:
        server.terminate()
        server.communicate(timeout=30)  # waits, and closes its stdout
    log = errors.read_text()
    _assert_nothing_private(log, secret)
    assert "GET /a/…/_fel?… HTTP/1.1" in log, log  # werkzeug may colour it
