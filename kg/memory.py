"""Memory tuning for a build's graph stage: the cyclic collector run seldom, freed heap given back to the system."""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc


@contextlib.contextmanager
def fewer_collections():
    """Run the cyclic garbage collector seldom while the graph stage runs.

    That stage makes millions of small objects, many of which live on (entities,
    the analysis' network, the page's facts): with the default thresholds the
    collector walked them again and again, a quarter of the stage's time on 840
    articles. Objects are still freed as soon as nothing refers to them; only
    reference cycles wait a little longer.
    """
    gc.collect()
    release_free_memory()
    gc.freeze()  # what exists now (the spaCy model, the articles) is not walked again
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def keep_out_of_collections() -> None:
    """Leave every object that exists now out of the cyclic collector's walks from here on.

    Called once a process has loaded the spaCy model: its objects live as long
    as the process, and every full collection walked them again (0.08 s of a
    2-article build, at the graph stage's collection alone). Objects made after
    this are collected as before.
    """
    gc.freeze()


def release_free_memory() -> None:
    """Give the heap pages that parsing freed back to the system.

    glibc keeps them for the process otherwise: on 840 articles the graph stage
    started 400 MB above what it needed, and its peak set the build's.
    """
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to give back this way
        pass
