"""The three locks pin every package they install, exactly, and agree with each other.

pip-compile writes them from the .in files (README, "Dependencies"). A lock edited by hand,
compiled without the flags, or left behind after a .in changed would install something
else than what the tests ran with, or carry this machine's package mirror in it.
"""

import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parent.parent
RUNTIME, DEV, BENCH = "requirements.txt", "requirements-dev.txt", "bench/requirements.txt"
LOCKS = {RUNTIME: "requirements.in", DEV: "requirements-dev.in", BENCH: "bench/requirements.in"}
COMMAND = "pip-compile --allow-unsafe --no-emit-find-links --no-emit-index-url --strip-extras"
PINNED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*==[0-9][0-9A-Za-z.+!-]*")


def _lines(path: str) -> list[str]:
    text = (ROOT / path).read_text("utf-8").splitlines()
    return [line.strip() for line in text if line.strip() and not line.startswith((" ", "#"))]


def _pins(lock: str) -> dict[str, str]:
    return dict(
        (canonicalize_name(name), version)
        for name, version in (line.split("==") for line in _lines(lock))
    )


def _direct(source: str) -> dict[str, str]:
    """The packages a .in file names itself (not through -r or -c), with their pinned version."""
    direct = {}
    for line in _lines(source):
        if not line.startswith("-"):
            requirement = Requirement(line)
            (specifier,) = requirement.specifier
            direct[canonicalize_name(requirement.name)] = specifier.version
    return direct


@pytest.mark.parametrize("lock", LOCKS)
def test_every_line_of_a_lock_is_one_package_at_one_version(lock: str) -> None:
    # No range, no path or URL, no option line (--find-links /opt/..., --index-url file://).
    loose = [line for line in _lines(lock) if not PINNED.fullmatch(line)]
    assert loose == []
    assert not re.search(r"file://|/opt/|/work/|/tmp/", (ROOT / lock).read_text("utf-8"))


@pytest.mark.parametrize(("lock", "source"), LOCKS.items())
def test_a_lock_was_compiled_from_its_in_file_with_the_documented_command(
    lock: str, source: str
) -> None:
    header = (ROOT / lock).read_text("utf-8")
    assert f"#    {COMMAND} {source}\n" in header
    pins = _pins(lock)
    direct = _direct(source)
    assert direct, f"{source} names no package"
    assert {name: pins.get(name) for name in direct} == direct


def test_the_dev_and_bench_locks_pin_the_shared_packages_at_the_same_versions() -> None:
    runtime, dev, bench = _pins(RUNTIME), _pins(DEV), _pins(BENCH)
    assert {name: dev.get(name) for name in runtime} == runtime
    shared = bench.keys() & dev.keys()
    assert {name: bench[name] for name in shared} == {name: dev[name] for name in shared}


def test_the_dev_lock_pins_what_its_installed_packages_require() -> None:
    """Judged on the packages installed here at their locked version: each one's own
    requirements (for this Python, without extras) are in the lock too."""
    pins = _pins(DEV)
    missing = set()
    checked = 0
    for name, version in pins.items():
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if distribution.version != version:
            continue
        checked += 1
        for line in distribution.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                if canonicalize_name(requirement.name) not in pins:
                    missing.add(f"{requirement.name} (for {name})")
    assert checked > len(pins) / 2, "install requirements-dev.txt to run this test"
    assert missing == set()
