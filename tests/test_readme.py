"""The README's promise to a newcomer is what CI actually runs."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent


def _last_command(path: Path) -> str:
    lines = [line.strip() for line in path.read_text("utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")][-1]


# On Debian there is no `python`, and pip refuses the system's Python: each command makes
# and activates its own virtual environment first.
VENV = "python3 -m venv .venv && . .venv/bin/activate && "


def test_readme_test_command_is_the_one_ci_runs() -> None:
    command = _last_command(ROOT / ".ci" / "run")
    assert command.startswith(VENV) and command.endswith("python -m pytest")
    assert command in (ROOT / "README.md").read_text("utf-8").splitlines()


LINTERS = ["ruff check .", "ruff format --check .", "mypy", "lint-imports"]


def test_ci_runs_the_readme_linters_before_the_tests_and_stops_on_a_finding() -> None:
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()]
    assert "set -euo pipefail" in lines
    before_tests = lines[: lines.index(_last_command(ROOT / ".ci" / "run"))]
    # Each a line of its own: set -e ends the script when one finds anything.
    assert [line for line in before_tests if line in LINTERS] == LINTERS
    assert f"`{' && '.join(LINTERS)}`" in (ROOT / "README.md").read_text("utf-8")


def test_readme_run_command_starts_the_app_on_the_default_database() -> None:
    readme = (ROOT / "README.md").read_text("utf-8").splitlines()
    assert VENV + "python -m pip install -r requirements.txt && flask --app app run" in readme


def test_every_web_package_has_a_place_in_the_layers() -> None:
    """import-linter checks only the packages its layers contract names: a new package
    under web/ left out of it would be checked by nothing (docs/architecture.md)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = project["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers" and c["containers"] == ["web"])
    named = {name.strip() for layer in layers["layers"] for name in re.split(r"[|:]", layer)}
    packages = {p.parent.name for p in (ROOT / "web").glob("*/__init__.py")}
    assert packages == named, f"not in the layers: {packages - named}; gone: {named - packages}"
