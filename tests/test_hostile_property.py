"""A property test over real returns: random damage to their XML never breaks the rules.

tests/hostile/property.py damages one XML part of a bundled return at a time (well-formedness:
bytes cut, doubled or inserted, markup characters, the part truncated; an attribute value of a
cell, merged range or defined name; a shared string or style index) and runs every command on
it, in a child process limited with resource.setrlimit. A fixed set of examples (derandomised)
runs here; HOSTILE_SEED=N python -m hostile.property … runs another.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="resource limits are POSIX")

TESTS = Path(__file__).resolve().parent
EXAMPLES = 40


def test_damaged_xml_of_real_returns_never_breaks_the_rules(tmp_path: Path) -> None:
    child = subprocess.run(
        [sys.executable, "-m", "hostile.property", str(tmp_path), "1536", "300", str(EXAMPLES)],
        cwd=TESTS,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert child.returncode == 0, child.stdout[-6000:] + child.stderr[-3000:]
    assert child.stdout.startswith("ok ")
