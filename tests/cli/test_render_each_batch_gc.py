"""render --each collects garbage less often during a batch, and restores the collector."""

import gc

from epireport._cli import each_batch


def test_the_collector_is_restored_after_a_batch() -> None:
    """Thresholds and the frozen generation are as they were, even when the batch fails."""
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    with each_batch._collecting_less():
        assert gc.get_threshold()[0] == each_batch.GC_THRESHOLD
        assert gc.get_threshold()[1:] == before[1:]
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen
    try:
        with each_batch._collecting_less():
            raise RuntimeError("a unit broke the batch")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_objects_frozen_before_stay_frozen() -> None:
    """What the caller froze stays frozen: the batch does not unfreeze it with its own."""
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with each_batch._collecting_less():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
