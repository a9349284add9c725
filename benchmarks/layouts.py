"""CPU ms per workbook for each layout, one process: template, floor, read, check.

    python benchmarks/layouts.py [--repeat 5]

On the bundled example of each layout (examples/*.xlsx): ``make_template`` of its document,
the python-calamine floor, reading (``safe_open`` + the fast reader), ``check_file`` and
``check_return`` as a folder check makes it (with the summary). Each figure is the fastest of
``--repeat`` rounds, the steps of a round taken in turn so that they see the same moments of a
shared machine. Prints a Markdown table (the per-layout table of BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import python_calamine  # noqa: E402

from xlsxsheet.checks.pipeline import check_file  # noqa: E402
from xlsxsheet.core.data_files import load_document  # noqa: E402
from xlsxsheet.core.data_folders import examples_dir  # noqa: E402
from xlsxsheet.layout.registry import LayoutRegistry, default_registry  # noqa: E402
from xlsxsheet.office.batch import check_return  # noqa: E402
from xlsxsheet.reading.return_reader import read_file  # noqa: E402
from xlsxsheet.reading.workbook_reader import read_workbook  # noqa: E402
from xlsxsheet.writing.make_template import make_template  # noqa: E402

LOOPS = 20  # calls per measurement (one call is well under the clock's resolution)


def cpu_ms(work: Callable[[], object]) -> float:
    start = time.process_time()
    for _ in range(LOOPS):
        work()
    return 1000 * (time.process_time() - start) / LOOPS


def floor(path: Path) -> None:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


def measure(data: Path, registry: LayoutRegistry, out: Path, repeat: int) -> dict[str, float]:
    """The fastest CPU ms of each step on one bundled example."""
    path = data.with_suffix(".xlsx")
    doc = load_document(data)
    layout = registry.get(doc["layout"])
    steps: dict[str, Callable[[], object]] = {
        "template": lambda: make_template(layout, out / "t.xlsx", None, doc),
        "floor": lambda: floor(path),
        "read": lambda: read_workbook(path),
        "check_file": lambda: check_file(path, registry),
        "check_return": lambda: check_return(path, registry, values=False),
    }
    for work in steps.values():
        work()  # plans, skeletons and imports made before timing
    best = {name: float("inf") for name in steps}
    for _ in range(repeat):
        for name, work in steps.items():
            best[name] = min(best[name], cpu_ms(work))
    best["cells"] = len(read_file(path, registry).plan.slots)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    registry = default_registry()
    out = Path(tempfile.mkdtemp(prefix="xlsxsheet-layouts-"))
    print(
        "| layout | field cells | template | floor | read | check_file | check (folder)"
        " | check / floor |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for data in sorted(examples_dir().glob("*.yaml")):
        best = measure(data, registry, out, args.repeat)
        print(
            f"| {data.stem} | {int(best['cells']):,} | {best['template']:.2f} |"
            f" {best['floor']:.2f} | {best['read']:.2f} | {best['check_file']:.2f} |"
            f" {best['check_return']:.2f} | {best['check_return'] / best['floor']:.1f}× |",
            flush=True,
        )


if __name__ == "__main__":
    main()
