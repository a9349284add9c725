"""Benchmark template / check / fix against the floor (python-calamine) and the peer (openpyxl).

    python benchmarks/run.py --n 200                 # the figures of BENCHMARKS.md
    python benchmarks/run.py --n 200 --flat 1000,10000   # and memory over 1,000 / 10,000 returns
    python benchmarks/run.py --n 200 --only memory --flat 1000,10000   # the memory runs alone

Builds N filled returns from every bundled example (varied numbers and names; one in ten with
the mistakes departments make, one in twenty edited and saved again by openpyxl), then measures
in one run, on the same files:

- template: ms per workbook of ``make_template`` (plan, normalise, write) as ``rollover`` calls
  it (the collector's young threshold raised), with the default thresholds, and of the
  xlsxwriter writer it replaces;
- check: ms per workbook over the folder with ``batch.check_returns`` (one call, every core),
  and in one process;
- fix: ms per workbook of ``fix_path`` (``check_file`` + ``write_fixed``, as ``xlsxsheet fix`` runs
  them) (and ``write_fixed`` alone), against
  the floor and an openpyxl load-and-save;
- floor: a bare python-calamine read of every sheet's values; peer: openpyxl ``load_workbook``;
- memory: peak RSS of each step, and with ``--flat``, the RSS of a folder check of N1 and N2
  returns (each in a fresh process: ``xlsxsheet check DIR --format html -o FILE``, the command
  itself, report included) and of a streaming check that keeps no results.

Writes benchmarks/results.json and benchmarks/results.md (or --out) and prints the table.
Timings are wall-clock on whatever else the machine is doing: the load average is recorded.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
import python_calamine  # noqa: E402

from xlsxsheet.checks.pipeline import check_file  # noqa: E402
from xlsxsheet.copies.corrected import write_fixed  # noqa: E402
from xlsxsheet.core.data_files import load_document  # noqa: E402
from xlsxsheet.core.data_folders import example_documents  # noqa: E402
from xlsxsheet.layout.registry import default_registry  # noqa: E402
from xlsxsheet.office.batch import fewer_collections  # noqa: E402
from xlsxsheet.office.fixing import fix_path  # noqa: E402
from xlsxsheet.writing.fast_template import fill  # noqa: E402
from xlsxsheet.writing.make_template import make_template, normalized_values, plan_for_document  # noqa: E402
from xlsxsheet.writing.template_writer import write_template  # noqa: E402

TARGETS = {
    "check / floor": ("≤ 3×", lambda r: r <= 3.0),
    "peer / check": ("≥ 30×", lambda r: r >= 30.0),
    "template ms": ("≤ 10 ms", lambda r: r <= 10.0),
    "fix / load+save": ("≤ 1.2×", lambda r: r <= 1.2),
    "fix / floor": ("≤ 5×", lambda r: r <= 5.0),
}


# --- the returns ------------------------------------------------------------------------------


@dataclass
class Return:
    path: Path
    layout: str
    doc: dict[str, Any]


def _vary(doc: dict[str, Any], rng: random.Random, number: int) -> dict[str, Any]:
    """Another 施策's return: its own number, name and figures, same shape."""
    doc = copy.deepcopy(doc)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, bool) or not isinstance(node, int | float):
            return node
        if isinstance(node, int):
            return max(0, int(node * rng.uniform(0.8, 1.2)))
        return round(node * rng.uniform(0.9, 1.1), 1)

    for key in ("perf",):
        if key in doc:
            doc[key] = walk(doc[key])
    header = doc.get("header")
    if isinstance(header, dict):
        header["shisaku_no"] = str(number)
        if "shisaku_name" in header:
            header["shisaku_name"] = f"{header['shisaku_name']} ({number})"
    return doc


def _mistakes(plan: Any, values: dict[Any, Any], rng: random.Random) -> dict[Any, Any]:
    """What departments type: full-width text numbers, a figure in yen, a swapped judgement,
    a word where a number goes."""
    values = dict(values)
    money = [k for k, v in values.items() if isinstance(v, int) and v > 999]
    if money:
        key = rng.choice(money)
        values[key] = f"{values[key]:,}".translate(
            str.maketrans("0123456789,", "０１２３４５６７８９，")
        )
        key = rng.choice(money)
        values[key] = values[key] * 1000
    judged = [s for s in plan.slots.values() if s.field.rule is not None and s.key in values]
    if judged:
        slot = rng.choice(judged)
        choices = plan.layout.lists[slot.field.list or ""].values
        values[slot.key] = next(c for c in choices if c != values[slot.key])
    # and a word typed where a number goes (an error on every layout, judged or not)
    numeric = ("number", "integer", "money")
    numbers = [
        k
        for k in values
        if k in plan.slots
        and plan.slots[k].field.type in numeric
        and not plan.slots[k].field.computed
        and not plan.slots[k].field.words
        and not plan.slots[k].field.keep_text
    ]
    if numbers:
        values[rng.choice(numbers)] = "不明"
    return values


def _vary_lengths(doc: dict[str, Any], layout: Any, rng: random.Random) -> dict[str, Any]:
    """The same return with records tables of its own lengths, as real ones have: each table
    of two records or more keeps its first k, k drawn between half and all of them."""
    from xlsxsheet.layout.model import RecordsBlock

    for sheet in layout.sheets:
        for block in sheet.blocks:
            if not isinstance(block, RecordsBlock):
                continue
            for path in block.table_paths():
                parent = doc
                for key in path[:-1]:
                    parent = parent.get(key) if isinstance(parent, dict) else None
                records = parent.get(path[-1]) if isinstance(parent, dict) else None
                if isinstance(records, list) and len(records) >= 2:
                    keep = rng.randint((len(records) + 1) // 2, len(records))
                    parent[path[-1]] = records[:keep]
    return doc


def build_returns(out: Path, n: int, seed: int = 7, same_shapes: bool = False) -> list[Return]:
    """N filled returns across the bundled layouts (round-robin over the examples).

    The records tables of each return have lengths of their own (so most returns of a records
    layout have a plan of their own, as a prefecture's do); same_shapes=True keeps every
    return's tables at its example's lengths (the benchmark before 2026-12: one plan a layout).
    """
    from xlsxsheet.office.demo import damage

    rng = random.Random(seed)
    registry = default_registry()
    examples = [load_document(p) for p in example_documents()]
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(n):
        base = examples[i % len(examples)]
        layout = registry.get(str(base["layout"]))
        doc = _vary(base, rng, i + 1)
        if not same_shapes:
            doc = _vary_lengths(doc, layout, rng)
        plan = plan_for_document(layout, None, doc)
        values = normalized_values(plan, doc)
        if i % 10 == 3:
            values = _mistakes(plan, values, rng)
        path = out / f"{layout.id}-{i:05d}.xlsx"
        fill(plan, path, values)
        _saved_by(path, f"担当者{i:05d}", i)
        if i % 20 == 7:
            damaged = path.with_name(path.stem + "-resaved.xlsx")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                damage(path, damaged, plan)
            path.unlink()
            path = damaged
        made.append(Return(path, layout.id, doc))
    return made


def _saved_by(path: Path, person: str, n: int) -> None:
    """The return as a department's Excel leaves it: docProps/core.xml with its own author and
    time of saving (no two returns share that part, as no two departments do)."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    stamp = f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:{(n * 7) % 60:02d}Z"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts:
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"<cp:lastModifiedBy>[^<]*", f"<cp:lastModifiedBy>{person}".encode(), data
                )
                data = re.sub(
                    rb"(<dcterms:modified\b[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data
                )
            out.writestr(info, data)


# --- measuring --------------------------------------------------------------------------------


def _rss_mb() -> float:
    """Current resident set size of this process, MB (Linux)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KB on Linux


def _own_peak_mb() -> float:
    """Peak RSS of this process since it started its program, MB (Linux: VmHWM).

    ru_maxrss keeps the peak of the process that forked this one across exec (the benchmark's
    own 50 MB and more), which would hide the memory runs' own figures below it.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    return _peak_mb()


def timed(label: str, items: Iterable[Any], work: Callable[[Any], Any]) -> dict[str, float]:
    items = list(items)
    gc.collect()
    start_cpu, start = time.process_time(), time.perf_counter()
    for item in items:
        work(item)
    wall = time.perf_counter() - start
    cpu = time.process_time() - start_cpu
    result = {
        "n": len(items),
        "ms": 1000 * wall / max(len(items), 1),
        "cpu_ms": 1000 * cpu / max(len(items), 1),
    }
    if label:
        print(f"  {label:<38} {result['ms']:9.2f} ms/workbook  (n={len(items)})", flush=True)
    return result


def best(repeat: int, measure: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The fastest of `repeat` runs (others' load on a shared machine only ever slows a run)."""
    runs = [measure() for _ in range(repeat)]
    fastest = min(runs, key=lambda r: r["ms"])
    return {**fastest, "runs_ms": [r["ms"] for r in runs]}


def interleaved(
    repeat: int, measures: dict[str, Callable[[], dict[str, Any]]]
) -> dict[str, dict[str, Any]]:
    """Each measure's fastest of `repeat` rounds, the measures taken in turn within a round:
    the floor and the check it is compared with see the same moments of a shared machine."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in measures}
    for _ in range(repeat):
        for name, measure in measures.items():
            runs[name].append(measure())
    return {
        name: {**min(taken, key=lambda r: r["ms"]), "runs_ms": [r["ms"] for r in taken]}
        for name, taken in runs.items()
    }


def check_file_with_openpyxl(path: Path, registry: Any) -> None:
    """check_file as it was before the fast reader: every read through openpyxl."""
    from xlsxsheet.reading import return_reader as reading
    from xlsxsheet.reading import workbook_reader

    def read(path: Path, *args: Any, **kwargs: Any) -> Any:
        return workbook_reader.read_workbook(path, engine="openpyxl")

    saved = reading.read_workbook
    reading.read_workbook = read  # type: ignore[assignment]
    try:
        check_file(path, registry)
    finally:
        reading.read_workbook = saved  # type: ignore[assignment]


def calamine_read(path: Path) -> None:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
    book.close()


def openpyxl_load(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        openpyxl.load_workbook(path).close()


def openpyxl_load_save(paths: tuple[Path, Path]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(paths[0])
        book.save(paths[1])


def _calamine_many(paths: list[Path]) -> int:
    for path in paths:
        calamine_read(path)
    return len(paths)


def floor_all_cores(paths: list[Path], jobs: int) -> dict[str, float]:
    """The floor spread over `jobs` processes the way check_returns spreads the check."""
    chunks = [paths[i::jobs] for i in range(jobs)]
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_calamine_many, [paths[:1]] * jobs))  # start the workers first
        start = time.perf_counter()
        list(pool.map(_calamine_many, chunks))
        wall = time.perf_counter() - start
    ms = 1000 * wall / len(paths)
    print(f"  {'floor, all cores':<38} {ms:9.2f} ms/workbook  (n={len(paths)})", flush=True)
    return {"n": len(paths), "ms": ms}


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the check's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def check_folder(paths: list[Path], jobs: int) -> dict[str, float]:
    """check_returns over the folder: one call, `jobs` processes (issue 5's batch)."""
    from xlsxsheet.office.batch import check_returns

    gc.collect()
    start_cpu, start = _cpu_seconds(), time.perf_counter()
    results = check_returns(paths, jobs=jobs, values=False)  # as the check command does
    wall = time.perf_counter() - start
    cpu = _cpu_seconds() - start_cpu
    ms = 1000 * wall / len(paths)
    label = f"check, folder, jobs={jobs}"
    print(f"  {label:<38} {ms:9.2f} ms/workbook  (n={len(paths)})", flush=True)
    errors = sum(not r.valid for r in results)
    return {"n": len(paths), "ms": ms, "cpu_ms": 1000 * cpu / len(paths), "invalid": errors}


# --- memory over many returns (each run in a fresh process) -----------------------------------


def _replicate(sources: list[Path], folder: Path, n: int) -> list[Path]:
    """`n` return files in `folder`: the built ones, then copies of them under new names."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        source = sources[i % len(sources)]
        target = folder / f"r{i:06d}{source.suffix}"
        if not target.exists():
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
        paths.append(target)
    return paths


def memory_child(mode: str, target: Path, jobs: int, fmt: str = "html") -> None:
    """In a fresh process: check `target`, print JSON with RSS figures.

    folder: `xlsxsheet check TARGET --format FMT -o FILE -q` (the command itself, through
    click: the check, the spooled returns, the roster-less report written to a file).
    stream: `check_file` per file of the folder, one process, nothing kept.
    """
    start_rss = _rss_mb()
    samples = []
    start_cpu, start = _cpu_seconds(), time.perf_counter()
    extra: dict[str, Any] = {}
    if mode == "folder":
        from xlsxsheet.cli import main as cli

        n = sum(1 for p in target.iterdir() if p.suffix == ".xlsx")
        out = target.parent / f"report-{target.name}.{fmt}"
        args = ["check", str(target), "--format", fmt, "-o", str(out), "-q", "--jobs", str(jobs)]
        args.append("--force")  # each round writes the report again
        try:
            cli.main(args, standalone_mode=False)
            code = 0
        except SystemExit as exc:  # 1: some return has errors
            code = exc.code if isinstance(exc.code, int) else 1
        extra = {"exit_code": code, "format": fmt, "report_bytes": out.stat().st_size}
        invalid = -1  # in the report, not counted here
        samples.append((n, _rss_mb()))
    else:  # stream: one process, nothing kept
        paths = sorted(p for p in target.iterdir() if p.suffix == ".xlsx")
        n = len(paths)
        invalid = 0
        step = max(1, len(paths) // 10)
        for i, path in enumerate(paths, start=1):
            invalid += not check_file(path).valid
            if i % step == 0:
                samples.append((i, _rss_mb()))
    wall = time.perf_counter() - start
    cpu = _cpu_seconds() - start_cpu
    print(
        json.dumps(
            {
                "mode": mode,
                "n": n,
                "ms": 1000 * wall / n,
                "cpu_ms": 1000 * cpu / n,
                "invalid": invalid,
                "start_rss_mb": start_rss,
                "end_rss_mb": _rss_mb(),
                "peak_rss_mb": _own_peak_mb(),
                "peak_child_rss_mb": _peak_mb(resource.RUSAGE_CHILDREN),
                "samples": samples,
                **extra,
            }
        )
    )


def _fresh_child(mode: str, folder: Path, jobs: int, fmt: str) -> dict[str, Any]:
    """memory_child in a fresh process over the files of `folder`: what it printed."""
    command = [sys.executable, __file__, "--memory-child", mode, str(folder)]
    command += ["--jobs", str(jobs), "--memory-format", fmt]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory_run(mode: str, folder: Path, jobs: int, fmt: str = "html") -> dict[str, Any]:
    """memory_child in a fresh process over the files of `folder`."""
    result = _fresh_child(mode, folder, jobs, fmt)
    print(
        f"  memory {mode:<6} n={result['n']:>6}: peak {result['peak_rss_mb']:.0f} MB"
        f" (workers {result['peak_child_rss_mb']:.0f} MB), end {result['end_rss_mb']:.0f} MB,"
        f" {result['ms']:.2f} ms/workbook",
        flush=True,
    )
    return result


def command_check(folder: Path, jobs: int) -> dict[str, Any]:
    """`xlsxsheet check FOLDER` as a user runs it: in a fresh process, so each worker loads
    the layouts and lays out its plans itself, and the report is written (JSON)."""
    result = _fresh_child("folder", folder, jobs, "json")
    label = f"xlsxsheet check DIR, jobs={jobs}"
    print(f"  {label:<38} {result['ms']:9.2f} ms/workbook  (n={result['n']})", flush=True)
    return {"n": result["n"], "ms": result["ms"], "cpu_ms": result["cpu_ms"]}


def memory_runs(
    paths: list[Path], sizes: list[int], jobs: int, work: Path, fmt: str
) -> list[dict[str, Any]]:
    """The folder check (as `xlsxsheet check DIR`) and the streaming check, for each size."""
    runs = []
    for size in sizes:
        folder = work / f"many-{size}"
        _replicate(paths, folder, size)
        runs += [memory_run(mode, folder, jobs, fmt) for mode in ("folder", "stream")]
    return runs


# --- the run ----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for module in ("openpyxl", "xlsxwriter", "python_calamine"):
        try:
            versions[module] = __import__(module).__version__
        except (ImportError, AttributeError):
            from importlib.metadata import version

            versions[module] = version(module.replace("_", "-"))
    return {
        "nproc": os.cpu_count(),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": os.getloadavg(),
        **versions,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    jobs = args.jobs or os.cpu_count() or 1
    work = Path(args.work or tempfile.mkdtemp(prefix="xlsxsheet-bench-"))
    print(f"machine: {machine()}", flush=True)
    print(f"building {args.n} returns in {work}", flush=True)
    start = time.perf_counter()
    returns = build_returns(work / "returns", args.n, same_shapes=args.same_shapes)
    paths = [r.path for r in returns]
    print(f"  built in {time.perf_counter() - start:.1f} s", flush=True)
    sample = paths[: args.sample]
    registry = default_registry()
    results: dict[str, Any] = {
        "machine": machine(),
        "n": args.n,
        "jobs": jobs,
        "repeat": args.repeat,
        "shapes": "same" if args.same_shapes else "varied",
    }

    print("template", flush=True)
    out = work / "templates"
    out.mkdir(exist_ok=True)
    layouts = {r.layout: registry.get(r.layout) for r in returns}
    make_template(layouts[returns[0].layout], out / "warm.xlsx", None, returns[0].doc)

    def templates(label: str) -> dict[str, float]:
        return timed(
            label,
            enumerate(returns),
            lambda ir: make_template(
                layouts[ir[1].layout], out / f"t{ir[0]}.xlsx", None, ir[1].doc
            ),
        )

    with fewer_collections():  # as rollover writes them
        results["template"] = best(args.repeat, lambda: templates("template (make_template)"))
    results["template_default_gc"] = templates("template, the collector's default thresholds")

    def xlsxwriter_template(ir: tuple[int, Return]) -> None:
        layout = layouts[ir[1].layout]
        plan = plan_for_document(layout, None, ir[1].doc)
        write_template(plan, out / f"x{ir[0]}.xlsx", normalized_values(plan, ir[1].doc))

    results["template_xlsxwriter"] = timed(
        "template (xlsxwriter, before)", enumerate(returns[: args.sample]), xlsxwriter_template
    )

    fixed = work / "fixed"
    fixed.mkdir(exist_ok=True)
    print("reading, checking and fixing the files (floor, check and fix in turns)", flush=True)
    results["peer"] = timed("peer (openpyxl load, sample)", sample, openpyxl_load)
    results["check_openpyxl"] = timed(
        "check_file, openpyxl reader (sample)",
        sample,
        lambda p: check_file_with_openpyxl(p, registry),
    )
    check_file(paths[0], registry)
    measures: dict[str, Callable[[], dict[str, Any]]] = {
        "floor": lambda: timed("floor (calamine, 1 process)", paths, calamine_read),
        "check_file": lambda: timed(
            "check_file, 1 process", paths, lambda p: check_file(p, registry)
        ),
        "check_one_process": lambda: check_folder(paths, 1),
        # fix in turns with the floor too, over the same files: the job `xlsxsheet fix` runs
        # (office.fixing.fix_path: each return checked afresh, then its corrected copy
        # written over the last round's, force)
        "fix": lambda: timed(
            "fix (fix_path: check_file + write_fixed)",
            paths,
            lambda p: fix_path(p, fixed / p.name, force=True, registry=registry),
        ),
    }
    if jobs > 1:
        measures["floor_all_cores"] = lambda: floor_all_cores(paths, jobs)
        measures["check"] = lambda: check_folder(paths, jobs)
    measures["check_command"] = lambda: command_check(work / "returns", jobs)
    results |= interleaved(args.repeat, measures)
    if jobs == 1:
        results["floor_all_cores"] = results["floor"]
        results["check"] = results["check_one_process"]

    print("fix against openpyxl (sample)", flush=True)
    # file by file, fix then load+save, so that a change in the machine's load hits both
    fix_runs, save_runs, write_runs = [], [], []
    for path in sample:
        fix_runs.append(
            timed(
                "",
                [path],
                lambda p: fix_path(p, fixed / p.name, force=True, registry=registry),
            )
        )
        checked = check_file(path, registry)
        write_runs.append(
            timed(
                "",
                [checked],
                lambda c: write_fixed(c, fixed / f"patch-{c.path.name}", force=True),
            )
        )
        save_runs.append(timed("", [(path, fixed / f"saved-{path.name}")], openpyxl_load_save))
    for key, runs, label in (
        ("fix_sample", fix_runs, "fix (check_file + write_fixed, sample)"),
        ("fix_write", write_runs, "write_fixed alone (the patch, sample)"),
        ("load_save", save_runs, "openpyxl load + save (sample)"),
    ):
        results[key] = {
            "n": len(runs),
            "ms": sum(r["ms"] for r in runs) / len(runs),
            "cpu_ms": sum(r["cpu_ms"] for r in runs) / len(runs),
        }
        print(f"  {label:<38} {results[key]['ms']:9.2f} ms/workbook  (n={len(runs)})")
    results["peak_rss_mb"] = _peak_mb()

    if args.flat:
        print("memory", flush=True)
        sizes = [int(s) for s in args.flat.split(",")]
        results["memory"] = memory_runs(paths, sizes, jobs, work, args.memory_format)

    results["ratios"] = ratios(results)
    results["machine"]["load_average_end"] = os.getloadavg()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return results


def run_memory(args: argparse.Namespace) -> dict[str, Any]:
    """--only memory: build N returns, then only the memory runs over copies of them."""
    jobs = args.jobs or os.cpu_count() or 1
    work = Path(args.work or tempfile.mkdtemp(prefix="xlsxsheet-bench-"))
    results: dict[str, Any] = {"machine": machine(), "n": args.n, "jobs": jobs}
    results["shapes"] = "same" if args.same_shapes else "varied"
    print(f"machine: {results['machine']}", flush=True)
    print(f"building {args.n} returns in {work}", flush=True)
    paths = [r.path for r in build_returns(work / "returns", args.n, same_shapes=args.same_shapes)]
    sizes = [int(s) for s in (args.flat or "1000,10000").split(",")]
    print("memory", flush=True)
    results["memory"] = memory_runs(paths, sizes, jobs, work, args.memory_format)
    results["machine"]["load_average_end"] = os.getloadavg()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return results


def ratios(results: dict[str, Any]) -> dict[str, float]:
    check = results["check"]["ms"]
    return {
        "check / floor": check / results["floor"]["ms"],
        "check / floor (both on all cores)": check / results["floor_all_cores"]["ms"],
        "check 1 process / floor": results["check_one_process"]["ms"] / results["floor"]["ms"],
        "command / floor": results["check_command"]["ms"] / results["floor"]["ms"],
        "peer / check": results["peer"]["ms"] / check,
        "peer / check (1 process)": results["peer"]["ms"] / results["check_one_process"]["ms"],
        "template ms": results["template"]["ms"],
        "check CPU / floor CPU": results["check"]["cpu_ms"] / results["floor"]["cpu_ms"],
        "fix / load+save": results["fix_sample"]["ms"] / results["load_save"]["ms"],
        "fix / floor": results["fix"]["ms"] / results["floor"]["ms"],
        "fix write alone / floor": results["fix_write"]["ms"] / results["floor"]["ms"],
    }


def markdown(results: dict[str, Any], command: str) -> str:
    lines = [
        *_header(results, command),
        f"N = {results['n']} returns, {results['jobs']} worker processes for the folder check;"
        f" template, floor and check: the fastest of {results.get('repeat', 1)} runs."
        + (
            " Records tables at their examples' lengths (`--same-shapes`: one plan a layout)."
            if results.get("shapes") == "same"
            else " Records tables of each return's own lengths (most records returns have a"
            " plan of their own)."
        ),
        "",
        "| step | ms per workbook (wall) | CPU ms per workbook | n |",
        "| --- | ---: | ---: | ---: |",
    ]
    rows = [
        ("template (`make_template`, as `rollover` writes them)", "template"),
        ("template, with the collector's default thresholds", "template_default_gc"),
        ("template, xlsxwriter writer (before)", "template_xlsxwriter"),
        ("check, folder, all cores (`batch.check_returns`)", "check"),
        ("check, folder, one process (`check_returns(jobs=1)`)", "check_one_process"),
        (
            "`xlsxsheet check DIR` in a fresh process, all cores (layouts and plans made by"
            " each worker, JSON report written)",
            "check_command",
        ),
        ("`check_file` alone, one process (no summary)", "check_file"),
        ("fix (`check_file` + `write_fixed`), in turns with the floor", "fix"),
        ("fix, the sample, each file once beside its openpyxl load + save", "fix_sample"),
        ("`write_fixed` alone (the package patch of a checked return), the sample", "fix_write"),
        ("floor: python-calamine, every sheet's values, one process", "floor"),
        ("floor, all cores", "floor_all_cores"),
        ("peer: openpyxl `load_workbook`", "peer"),
        ("`check_file` with the openpyxl reader (as before), one process", "check_openpyxl"),
        ("openpyxl load + save", "load_save"),
    ]
    for label, key in rows:
        r = results[key]
        cpu = f"{r['cpu_ms']:.2f}" if "cpu_ms" in r else ""
        lines.append(f"| {label} | {r['ms']:.2f} | {cpu} | {r['n']} |")
    lines += ["", "| target | measured | met |", "| --- | ---: | :---: |"]
    r = results["ratios"]
    for key, (goal, ok) in TARGETS.items():
        value = r[key]
        shown = f"{value:.2f} ms" if key.endswith("ms") else f"{value:.2f}×"
        lines.append(f"| {key} {goal} | {shown} | {'yes' if ok(value) else 'no'} |")
    for key in (
        "check / floor (both on all cores)",
        "check 1 process / floor",
        "check CPU / floor CPU",
        "command / floor",
        "peer / check (1 process)",
        "fix write alone / floor",
    ):
        lines.append(f"| {key} (for reference) | {r[key]:.2f}× | |")
    lines.append(f"\nPeak RSS of the benchmark process: {results['peak_rss_mb']:.0f} MB.")
    if "memory" in results:
        lines += ["", *_memory_table(results["memory"])]
    return "\n".join(lines) + "\n"


def memory_markdown(results: dict[str, Any], command: str) -> str:
    """The report of --only memory."""
    return "\n".join([*_header(results, command), *_memory_table(results["memory"])]) + "\n"


def _header(results: dict[str, Any], command: str) -> list[str]:
    """The command and the machine it ran on, as both reports begin."""
    m = results["machine"]
    return [
        f"Command: `{command}`",
        "",
        f"Machine: {m['nproc']} × {m['cpu']}, Python {m['python']}, {m['platform']};"
        f" openpyxl {m['openpyxl']}, xlsxwriter {m['xlsxwriter']}, python-calamine"
        f" {m['python_calamine']}; load average {m['load_average'][0]:.2f} at the start,"
        f" {m.get('load_average_end', [0])[0]:.2f} at the end.",
        "",
    ]


def _memory_table(runs: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| memory run | n | peak RSS (MB) | workers' peak (MB) | RSS at the end (MB) | ms/workbook |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for mem in runs:
        mode = mem["mode"]
        if mode == "folder":
            mode = f"folder: `xlsxsheet check DIR --format {mem.get('format', '?')} -o FILE`"
        lines.append(
            f"| {mode} | {mem['n']} | {mem['peak_rss_mb']:.0f} |"
            f" {mem['peak_child_rss_mb']:.0f} | {mem['end_rss_mb']:.0f} | {mem['ms']:.2f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="returns to build and measure")
    parser.add_argument("--sample", type=int, default=40, help="files for the slow openpyxl steps")
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs of the fast steps; the fastest is kept"
    )
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (default: all cores)")
    parser.add_argument("--flat", default="", help="memory runs, e.g. 1000,10000")
    parser.add_argument("--work", help="folder for the files (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the files")
    parser.add_argument(
        "--same-shapes",
        action="store_true",
        help="every return's records tables at its example's lengths (one plan a layout)",
    )
    parser.add_argument("--out", default=str(Path(__file__).parent / "results"))
    parser.add_argument(
        "--only",
        choices=["memory"],
        help="memory: only build the returns and run the --flat memory runs (default 1000,10000)",
    )
    parser.add_argument(
        "--memory-format",
        choices=["text", "json", "html", "xlsx"],
        default="html",
        help="the report the folder check's memory runs write (default: html)",
    )
    parser.add_argument(
        "--memory-child", nargs=2, metavar=("MODE", "FOLDER"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.memory_child:
        memory_child(
            args.memory_child[0],
            Path(args.memory_child[1]),
            args.jobs or os.cpu_count() or 1,
            args.memory_format,
        )
        return
    command = "python benchmarks/run.py " + " ".join(sys.argv[1:])
    if args.only == "memory":
        results = run_memory(args)
        text = memory_markdown(results, command)
    else:
        results = run(args)
        text = markdown(results, command)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(
        json.dumps(results, indent=2, default=str), encoding="utf-8"
    )
    out.with_suffix(".md").write_text(text, encoding="utf-8")
    print()
    print(text)


if __name__ == "__main__":
    main()
