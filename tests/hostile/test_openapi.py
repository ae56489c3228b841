"""schemathesis against the OpenAPI schema, in-process through ASGI: no route answers 5xx.

Every operation the schema lists gets examples generated from its parameters and body
(and the schema's negative space: wrong types, missing fields). The application runs
with its lifespan (schemathesis starts it once and keeps it for the module).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.python.asgi import shutdown_lifespans

from api.app import create_app
from api.settings import Settings

# The schema is read when the module is collected, so the data directory is made then.
DATA_DIR = Path(tempfile.mkdtemp(prefix="meritkompis-openapi-"))
APP = create_app(
    Settings(
        data_dir=DATA_DIR,
        database_url=f"sqlite+aiosqlite:///{DATA_DIR / 'db.sqlite3'}",
        endorsement_rate_per_minute=100_000,
        api_rate_per_minute=100_000,
        api_key_rate_per_minute=100_000,
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _stop_the_app_afterwards() -> Iterator[None]:
    yield
    shutdown_lifespans()
    shutil.rmtree(DATA_DIR, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_route_answers_with_a_server_error(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.status_code)
