"""JSON that every parser reads: no NaN or Infinity, whatever a workbook held.

Python's json writes a float('inf') (a cell holding 1e309) as ``Infinity``, which jq, a browser
and most JSON parsers refuse. `dumps` writes such a number as null, as a browser's
JSON.stringify does; the value as written stays in the report's messages.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["dumps"]


def dumps(data: Any, **options: Any) -> str:
    """json.dumps(data, **options) with every non-finite float written as null."""
    try:
        return json.dumps(data, allow_nan=False, **options)
    except ValueError:  # some NaN or Infinity inside: the rare case pays for the walk
        return json.dumps(_finite(data), allow_nan=False, **options)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value
