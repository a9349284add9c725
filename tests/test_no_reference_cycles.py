"""Checking a return leaves no reference cycle: its objects go when it is done."""

from __future__ import annotations

import gc

from xlsxsheet.core.data_folders import examples_dir
from xlsxsheet.office import batch


def test_checking_a_return_leaves_no_reference_cycles() -> None:
    """A return's objects are freed as soon as it is done (by reference counting), not kept
    until the garbage collector runs. recompute's closure calling itself was such a cycle: it
    held every return's values, and made the collector run (and walk the layouts and plans)
    far more often in a folder check."""
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


def test_a_records_plan_dropped_from_the_cache_is_freed_without_the_collector() -> None:
    """A folder check collects garbage less often (batch.fewer_collections) because the plans
    that come and go, those of returns whose records tables have lengths of their own (most
    進捗管理表 returns), are freed by reference counting when the cache drops them, with what
    was worked out from them. (The year tables of a plan link each cell to its siblings, a
    cycle the collector frees; those layouts have one plan a year.)"""
    import weakref

    from xlsxsheet.plan import workbook_plan as plans

    paths = sorted(examples_dir().glob("*.xlsx"))
    plans._PLANS.clear()  # plans of this test's own, which no other test's objects hold
    for path in paths:
        batch.check_return(path)
    gc.collect()
    kept = [weakref.ref(plan) for plan in plans._PLANS.values() if plan.records]
    assert len(kept) >= 2  # the two 進捗管理表 at least
    enabled = gc.isenabled()
    gc.disable()
    try:
        plans._PLANS.clear()
        assert [ref() for ref in kept] == [None] * len(kept)
    finally:
        if enabled:
            gc.enable()


def test_fixing_a_return_leaves_no_reference_cycles(tmp_path) -> None:
    """The fix job (check, then the corrected copy) runs with fewer collections too
    (office.fixing.fix_path): the copy's objects go by reference counting as well."""
    from xlsxsheet.office.fixing import fix_path

    paths = sorted(examples_dir().glob("*.xlsx"))
    for path in paths:  # plans, layouts, styles and caches made once
        fix_path(path, tmp_path / path.name, force=True)
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        for path in paths * 2:
            fix_path(path, tmp_path / path.name, force=True)
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()
