"""Gunicorn's settings for Lyftkollen, read from the working folder by ``gunicorn``.

Every value can be changed from the environment; command-line flags override them.
See docs/deploy.md.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "0.0.0.0:8000")
# Processes share nothing but the database (and Redis when REDIS_URL is set).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Access log to stdout, errors (and the app's own log) to stderr: the platform keeps them.
accesslog = "-"
errorlog = "-"
# The address of the proxy in front (nginx), whose X-Forwarded-Proto gunicorn believes.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket (a fixed path in the home folder) is not used; two servers on
# one host would otherwise share it.
control_socket_disable = True
