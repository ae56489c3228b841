"""Keeping CPython's garbage collector off what the service built at startup.

The catalogue and the skill matcher, the pictures, the translations, and the machinery
of SQLAlchemy, FastAPI and python-telegram-bot: some 200,000 objects that live as long
as the process. The collector walks every one of them on each full collection. On our
2-core machines that took 100-350 ms, and no chat was answered meanwhile: in
bench.bench_end_to_end's paced run, four or five of those pauses in 20 s were enough
to lift the p95 from ~20 ms to between 46 and 159 ms in some runs.

``gc.freeze()`` moves everything alive into a generation the collector never walks, so
a full collection only looks at what was made since. The price: an object that was
alive at the freeze and dies later in a reference cycle is not collected until the
unfreeze; collecting just before freezing leaves only what startup meant to keep.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def startup_frozen() -> Iterator[None]:
    """Freeze what exists now for as long as the block runs (the service's lifetime)."""
    gc.collect()  # startup's own garbage goes now rather than being frozen in place
    gc.freeze()
    try:
        yield
    finally:
        # Several services can live in one process (the tests): what the one stopping
        # built becomes collectable again.
        gc.unfreeze()
