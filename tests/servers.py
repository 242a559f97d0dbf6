"""Real gunicorn servers for tests that need separate processes: started, watched, killed.

Each server serves ``app:create_app()`` on a socket the test bound (so there is no race
for a port), in its own process group, reading gunicorn.conf.py from the project's folder
and the app's settings from the environment, as in production. The ``servers`` fixture
kills every server a test started, whatever happened.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
SECRET_KEY = "test-servers-secret-key"
TIMEOUT = 60  # seconds: one request, a server's start, a worker's replacement
# The app as the tests build it, with the faults of web/operations/faults.py (``application=``).
WITH_FAULTS = 'app:create_app({"TESTING": True, "TEST_FAULTS": True})'


def proc_stat(pid: int) -> tuple[str, int] | None:
    """A process's state letter and parent, or None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # after the command name, which may hold spaces
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    stat = proc_stat(pid)
    return stat is not None and stat[0] not in "ZX"


def wait_until(condition: Callable[[], Any], what: str, timeout: float = TIMEOUT) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting for {what}")
        time.sleep(0.05)


class Gunicorn:
    """``python -m gunicorn "app:create_app()"`` on a socket this test bound, in its own
    process group. As in production it reads gunicorn.conf.py from the project's folder
    and the app's settings from the environment; the flags below override the file.
    ``app`` may name another factory (tests.faults wraps the app's)."""

    def __init__(
        self,
        database_url: str,
        log: Path,
        workers: int = 3,
        threads: int = 4,
        environment: dict[str, str] | None = None,
        worker_class: str = "gthread",
        application: str = "app:create_app()",
    ) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))  # a free port, held from now on: no race for it
        listener.listen(2048)
        self.port = listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.seen: set[int] = set()  # every worker pid seen, for the teardown
        self.worker_count = workers
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET_KEY,
            "AUTO_MIGRATE": "0",  # the database fixture has migrated it
            "LYFTKOLLEN_ENV": "development",
        }
        env.pop("REDIS_URL", None)
        env.update(environment or {})
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            f"--bind=fd://{listener.fileno()}",
            f"--workers={workers}",
            f"--worker-class={worker_class}",
            f"--threads={threads}",
            "--timeout=120",  # a loaded machine must not make gunicorn kill workers itself
            "--graceful-timeout=2",
            "--no-control-socket",  # not the shared default socket in the home directory
            # Build the app once in the master and fork the workers (and the replacement)
            # from it: each loading the content itself takes seconds of CPU on a loaded
            # machine. The app opens no connection as it is built (AUTO_MIGRATE=0), so the
            # workers share none.
            "--preload",
            application,  # e.g. 'app:create_app({"TESTING": True})': literals only
        ]
        with log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
                command,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                pass_fds=[listener.fileno()],
                start_new_session=True,  # its own process group: killed as one in teardown
            )
        listener.close()  # gunicorn has its own copy

    def workers(self) -> list[int]:
        """The living children of the master, read from /proc."""
        pids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                stat = proc_stat(int(entry))
                if stat and stat[1] == self.process.pid and stat[0] not in "ZX":
                    pids.append(int(entry))
        self.seen.update(pids)
        return sorted(pids)

    def open_requests(self, pid: int) -> int:
        """How many client connections worker ``pid`` holds: requests it has taken on.

        The phones close each connection after its response (as a proxy in front of
        gunicorn does), so an open connection is a request not answered yet.
        """
        inodes = set()
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            return 0  # it has just exited
        count = 0
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            parts = line.split()
            local_port = int(parts[1].rsplit(":", 1)[1], 16)
            if local_port == self.port and parts[3] == "01" and parts[9] in inodes:
                count += 1  # ESTABLISHED, on the server's port, owned by this worker
        return count

    def wait_until_serving(self) -> None:
        def answers() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}")
            try:
                return requests.get(self.url + "/healthz", timeout=5).status_code == 200
            except requests.RequestException:
                return False

        wait_until(answers, "gunicorn to answer")
        count = self.worker_count
        wait_until(lambda: len(self.workers()) == count, f"{count} workers")

    def kill_hard(self) -> None:
        """SIGKILL the master and every worker at once (its process group), and wait."""
        stragglers = self.seen | set(self.workers())
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=TIMEOUT)
        ours = []
        for pid in stragglers:  # a worker of a master that died before: still in its group
            try:
                if os.getpgid(pid) == self.process.pid:
                    ours.append(pid)
                    os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        wait_until(lambda: not any(alive(p) for p in ours), "the workers to die")


class Servers:
    """Every gunicorn this test starts; each is killed at the end, whatever happened."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.started: list[Gunicorn] = []

    def start(self, database_url: str, **options: Any) -> Gunicorn:
        log = self.directory / f"gunicorn-{len(self.started) + 1}.log"
        server = Gunicorn(database_url, log, **options)
        self.started.append(server)
        server.wait_until_serving()
        return server

    def print_logs(self) -> None:
        for server in self.started:
            print(f"\n---- {server.log.name} ----\n{server.log.read_text(errors='replace')}")

    def kill_all(self) -> None:
        for server in self.started:
            server.kill_hard()


class RedisServer:
    """A redis-server of the test's own, on a free port, keeping nothing on disk; the test
    may stop it midway (``stop``), as a crash would, and start it again (``start``)."""

    def __init__(self, directory: Path, binary: str = "redis-server") -> None:
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()  # redis-server binds it itself; nothing else asks for this port
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = directory / f"redis-{self.port}.log"
        self.command = [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        self.command += ["--save", "", "--appendonly", "no", "--dir", str(directory)]
        self.start()

    def start(self) -> None:
        """Start it (again, on the same port, empty) and wait until it answers."""
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                self.command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
            )
        wait_until(self._answers, "redis-server to answer")

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"redis-server exited: {self.log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Kill it and wait until it is gone: its port refuses connections from then on."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=TIMEOUT)
