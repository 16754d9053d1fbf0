"""The graph stage's collector tuning is undone when the stage ends, however it ends."""
import gc

import pytest

from kg.memory import fewer_collections, release_free_memory


def test_fewer_collections_restores_the_collector_after_a_failure():
    thresholds = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        assert gc.get_threshold()[0] > thresholds[0] and gc.get_freeze_count() > 0
        raise RuntimeError("the stage failed")
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == 0


def test_release_free_memory_never_fails():
    release_free_memory()  # on a libc without malloc_trim it does nothing
