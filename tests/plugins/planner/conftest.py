"""The planner screen's pilot tests use the terminal UI's test team, fixtures and async
runner."""

from tests.tui.conftest import pytest_pyfunc_call, team, team_template, tui  # noqa: F401
