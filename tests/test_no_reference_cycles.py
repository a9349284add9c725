"""Checking a return leaves no reference cycle: its objects go when it is done."""

from __future__ import annotations

import gc

from xlsxsheet import batch
from xlsxsheet.examples_dir import examples_dir


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
