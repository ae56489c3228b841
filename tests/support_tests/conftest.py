"""Make the support fixtures available here even before ``tests/conftest.py`` registers them.

``tests/conftest.py`` should say ``pytest_plugins = ("tests.support.fixtures",)``; when it
does, this registers nothing more, so the session fixtures are not started twice.
"""

from __future__ import annotations

import pytest

PLUGIN = "tests.support.fixtures"


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin(PLUGIN):
        config.pluginmanager.import_plugin(PLUGIN)
