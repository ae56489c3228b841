"""What the service built at startup is kept out of the garbage collector's walks while
it runs, and given back when it stops (api/heap.py)."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from api.app import create_app
from api.heap import startup_frozen
from api.settings import Settings
from tests.servers import app_lifespan


async def test_a_running_service_has_its_startup_frozen_and_a_stopped_one_not(
    sqlite_url: str, tmp_path: Path
) -> None:
    assert gc.get_freeze_count() == 0
    app = create_app(Settings(database_url=sqlite_url, data_dir=tmp_path))
    async with app_lifespan(app):
        frozen = gc.get_freeze_count()
        catalogue = app.state.catalogue
        # The catalogue is among what a full collection no longer walks.
        assert not any(o is catalogue for o in gc.get_objects())
    assert frozen > 10_000
    assert gc.get_freeze_count() == 0
    assert any(o is catalogue for o in gc.get_objects())


def test_garbage_from_before_the_freeze_is_collected_not_kept() -> None:
    class Leftover:
        other: Leftover

    a, b = Leftover(), Leftover()
    a.other, b.other = b, a  # a cycle: only the collector frees it
    gone = weakref.ref(a)
    del a, b
    with startup_frozen():
        assert gone() is None  # collected first, not frozen for the service's lifetime
        assert gc.get_freeze_count() > 0
