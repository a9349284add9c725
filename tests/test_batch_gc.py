"""A folder check collects garbage less often while it runs, and restores the thresholds."""

from __future__ import annotations

import gc
from concurrent.futures import ProcessPoolExecutor

from xlsxsheet.core.data_folders import examples_dir
from xlsxsheet.office import batch


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


def _worker_threshold() -> tuple[int, int, int]:
    return gc.get_threshold()


def test_a_checking_worker_collects_less_often() -> None:
    with ProcessPoolExecutor(1, initializer=batch._collect_less_often) as pool:
        threshold = pool.submit(_worker_threshold).result()
    assert threshold[0] >= batch._YOUNG_COLLECTION_EVERY
