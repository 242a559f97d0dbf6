"""gunicorn's access log, as configured in gunicorn.conf.py, holds no private link or address."""

from __future__ import annotations

import time

import requests

from tests.servers import Servers


def test_the_access_log_leaves_out_links_codes_and_addresses(
    servers: Servers, database_url: str
) -> None:
    server = servers.start(database_url, workers=1, threads=2)
    secret = "Zq3xSecretToken0123456789"
    paths = (f"/a/{secret}/steg/2?next=/a/{secret}", f"/w/deltagare/{secret}/status")
    for path in (*paths, "/w/K7M2QX", "/healthz"):
        requests.get(server.url + path, timeout=30)
    deadline = time.monotonic() + 10
    while "/healthz" not in server.log.read_text() and time.monotonic() < deadline:
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
