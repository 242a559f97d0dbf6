"""Gunicorn's settings for Lyftkollen, read from the working folder by ``gunicorn``.

Every value can be changed from the environment; command-line flags override them.
See docs/deploy.md.
"""

import multiprocessing
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from gunicorn.glogging import Logger

# gunicorn reads this file before it imports the app: the project's folder may not be on
# the import path yet.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from web.platform import logging_privacy  # noqa: E402 - needs the path above

bind = os.environ.get("BIND", "0.0.0.0:8000")
# Processes share nothing but the database (and Redis when REDIS_URL is set).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# One thread per worker until the crashes under threaded load are understood: the
# benchmarks saw workers die with SIGSEGV with 4 threads (bench/README.md), none with 1.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# With one thread, sync workers: a sync worker takes a connection only when it is free,
# so the kernel hands each new connection to an idle process. A gthread worker accepts
# every connection it is offered and queues it behind its one busy thread, and keeps a
# kept-alive connection to itself: under load, one process held 9 of 20 clients while
# another held 1 and idled (bench/README.md). Sync workers answer one request per
# connection, as behind nginx, which opens one upstream connection per request; they
# need nginx (or another buffering proxy) in front against slow clients (docs/deploy.md).
worker_class = "sync" if threads == 1 else "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Access log to stdout, errors (and the app's own log) to stderr: the platform keeps them.
accesslog = "-"
errorlog = "-"


# A private link (/a/<token>, /api/v1/assessments/<token>) opens, changes and deletes an
# assessment, and a join code lets anyone into a workshop: neither is written to a log,
# nor is a query string. Nor is the visitor's address, the referrer or the browser: the
# privacy page promises no IP addresses. web/platform/logging_privacy.py masks every record of
# gunicorn's two logs (and the app's); the access log's own format leaves out the rest.
class PrivateAccessLogger(Logger):
    def setup(self, cfg):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN201
        super().setup(cfg)  # makes the handlers anew (also on a reload): filter them all
        logging_privacy.install(self.error_log, self.access_log)

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN201
        atoms = super().atoms(resp, req, environ, request_time)
        # gunicorn's own answer to a request it could not parse (a 400) has no PATH_INFO:
        # the path then comes from the raw request line, or is "-".
        # The private parts of the path are masked by the filter on the whole line.
        path = atoms.get("U") or urlsplit(environ.get("RAW_URI") or "").path or "-"
        query = "?…" if atoms.get("q") else ""  # a query may carry a link (?next=…)
        method, protocol = atoms.get("m") or "-", atoms.get("H") or "-"
        atoms.update(U=path, q="", r=f"{method} {path}{query} {protocol}")
        return atoms

    def access(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN201
        # gunicorn calls this outside any try while it answers a request it could not
        # parse or whose app failed: an exception here would end the worker process.
        try:
            super().access(resp, req, environ, request_time)
        except Exception as error:
            self.error("No access log line for a request: %s", type(error).__name__)


logger_class = PrivateAccessLogger
access_log_format = '%(t)s "%(r)s" %(s)s %(B)s %(M)sms'
# The address of the proxy in front (nginx), whose X-Forwarded-Proto gunicorn believes.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket (a fixed path in the home folder) is not used; two servers on
# one host would otherwise share it.
control_socket_disable = True
