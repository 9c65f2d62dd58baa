"""The planner screen's pilot tests use the terminal UI's test team and fixtures."""

from tests.tui.conftest import team, team_template, tui  # noqa: F401
