"""The benchmarks run in one process: pytest-benchmark times nothing under pytest-xdist,
which the project's pytest settings turn on for the test suite (-n auto)."""

import pytest


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    return 0
