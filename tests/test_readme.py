"""The README's promise to a newcomer is what CI actually runs."""

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
