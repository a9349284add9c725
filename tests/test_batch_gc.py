"""A folder check collects garbage less often while it runs, and restores the thresholds."""

from __future__ import annotations

import gc
from concurrent.futures import ProcessPoolExecutor

from xlsxsheet import batch
from xlsxsheet.examples_dir import examples_dir


def test_the_check_raises_the_young_threshold_while_it_runs_and_restores_it() -> None:
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    paths = sorted(examples_dir().glob("*.xlsx"))
    results = batch.check_returns(paths, jobs=1, progress=lambda _: seen.append(gc.get_threshold()))
    assert [r.readable for r in results] == [True] * len(paths)
    assert seen and all(t[0] == max(before[0], batch._YOUNG_COLLECTION_EVERY) for t in seen)
    assert all(t[1:] == before[1:] for t in seen)
    assert gc.get_threshold() == before


def test_restored_when_the_caller_stops_early() -> None:
    before = gc.get_threshold()
    paths = sorted(examples_dir().glob("*.xlsx"))
    returns = batch.iter_check_returns(paths, jobs=1)
    next(returns)
    assert gc.get_threshold()[0] == max(before[0], batch._YOUNG_COLLECTION_EVERY)
    returns.close()
    assert gc.get_threshold() == before


def _worker_state() -> tuple[int, tuple[int, int, int]]:
    return gc.get_freeze_count(), gc.get_threshold()


def test_a_checking_worker_freezes_what_it_inherited_and_collects_less_often() -> None:
    with ProcessPoolExecutor(1, initializer=batch._start_checking_worker) as pool:
        frozen, threshold = pool.submit(_worker_state).result()
    assert frozen > 1000  # the modules and layouts it started with
    assert threshold[0] >= batch._YOUNG_COLLECTION_EVERY


def test_checking_a_return_leaves_no_reference_cycles() -> None:
    """What fewer_collections relies on: a return's objects are freed as soon as it is done
    (by reference counting), not kept until the collector runs. recompute's closure calling
    itself was such a cycle, holding every return's values."""
    paths = sorted(examples_dir().glob("*.xlsx"))
    for path in paths:  # plans, layouts and caches made once
        batch.check_return(path)
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        for path in paths * 2:
            assert batch.check_return(path).readable
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()
