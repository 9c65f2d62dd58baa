"""Fixtures shared by the digest's tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from salesplan.core.context import AppContext
from tests.plugins.email_digest.digest_data import insert_day
from tests.plugins.email_digest.test_digest import digest_config_text


@pytest.fixture
def setup(
    make_app: Callable[..., AppContext], write_config: Callable[..., Path]
) -> Callable[..., tuple[Path, AppContext]]:
    """Write a config with the given digest section and fill the base with the test day."""

    def make(section_text: str, plugins: str = '"email_digest"') -> tuple[Path, AppContext]:
        path = write_config(digest_config_text(section_text, plugins))
        app = make_app(path)
        with app.write_session() as session:
            insert_day(session)
        return path, app

    return make
