"""A property over real returns: random damage to their XML never gets past the rules.

    python -m hostile.property OUT_DIR MEMORY_MB SECONDS EXAMPLES

Runs under resource.setrlimit like hostile.run. Each example takes a bundled return, damages
one of its XML parts — its well-formedness (bytes cut, doubled or inserted, markup characters,
the part truncated), one attribute value, or an index (a shared string, a style) — and runs
check, read, fix, collect and rollover on it in this process. The rules: exit 0 or 1, nothing
escapes, no Python class name in any message, strict JSON, the input unchanged, one verdict
(a file check cannot read is refused by read and fix; one check finds no error in, fix copies).
Prints "ok N" or the smallest example that breaks a rule, and exits 1 then.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import traceback
from pathlib import Path
from xml.parsers import expat

from hostile.cases import EXAMPLES, MANAGEMENT, ROLLOVER_YEAR, SHIHYO, read_parts, write_parts
from hostile.run import commands, limit

SOURCES = [MANAGEMENT, SHIHYO]
PARTS = [
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/workbook.xml",
    "xl/styles.xml",
    "docProps/custom.xml",
    "docProps/core.xml",
    "[Content_Types].xml",
    "xl/_rels/workbook.xml.rels",
]
VALUES = [
    "",
    "-1",
    "0",
    "7",
    "999999",
    "1e309",
    "abc",
    "A1",
    "$A$1",
    "J5:F3",
    "XFD1048576",
    "A1:XFD1048576",
    "&#0;",
    "&amp;",
    "_xD800_",
    "1.5",
    "true",
    "\u3042",
]
PYTHON_NAME = re.compile(
    r"\b[A-Z][a-z]+[A-Za-z]*(?:Error|Exception|Warning)\b|BadZipFile|Traceback"
)
FILE_LEVEL = {"file-corrupt", "file-too-large", "file-unreadable", "xml-dtd", "zip-bomb"}
# attributes of the elements the readers read themselves: cells, merged ranges, defined names
_OWNED = re.compile(rb"<(?:c|mergeCell|definedName)\s[^>]*>")
_ATTRIBUTE = re.compile(rb'\s[\w:]+="([^"]*)"')
_INDEX = re.compile(rb'<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")? t="s"><v>([0-9]+)</v>|\ss="([0-9]+)"')


def damage(data: bytes, kind: str, at: float, size: int, choice: int) -> bytes:
    """One edit of a part's bytes; `at` (0..1) places it, `size` and `choice` shape it."""
    if kind == "attribute":
        found = [
            (element.start() + value.start(1), element.start() + value.end(1))
            for element in _OWNED.finditer(data)
            for value in _ATTRIBUTE.finditer(element.group())
        ]
        if found:
            start, end = found[int(at * (len(found) - 1))]
            return data[:start] + VALUES[choice % len(VALUES)].encode() + data[end:]
        kind = "insert"
    if kind == "index":
        found = list(_INDEX.finditer(data))
        if found:
            match = found[int(at * (len(found) - 1))]
            group = 1 if match.group(1) is not None else 2
            value = str([0, 1, 15, 148, 149, 150, 10**6, 10**20][choice % 8]).encode()
            return data[: match.start(group)] + value + data[match.end(group) :]
        kind = "cut"
    pos = int(at * len(data))
    if kind == "cut":
        return data[:pos] + data[pos + size :]
    if kind == "double":
        return data[:pos] + data[pos : pos + size] * 2 + data[pos + size :]
    if kind == "truncate":
        return data[:pos]
    markup = [b"<", b"&", b'"', b"</", b"<x>", b"\x00", b"\xff", b"]]>", b"<!--", b"&#0;", b"</c>"]
    return data[:pos] + markup[choice % len(markup)] + data[pos:]


def _well_formed(data: bytes) -> bool:
    try:
        expat.ParserCreate().Parse(data, True)
    except expat.ExpatError:
        return False
    return True


def _strict(text: str) -> object:
    def refuse(constant: str) -> None:
        raise ValueError(constant)

    return json.loads(text, parse_constant=refuse)


def violations(path: Path, out: Path, year: str) -> list[str]:
    """The rules an example breaks (none, one hopes)."""
    from click.testing import CliRunner

    from xlsxsheet.cli import main as cli

    before = hashlib.sha256(path.read_bytes()).hexdigest()
    found: list[str] = []
    runs = {}
    for command, args in commands(path, out, year):
        result = CliRunner().invoke(cli, args)
        runs[command] = result
        text = result.stdout + result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            found.append(
                f"{command}: " + "".join(traceback.format_exception(result.exception))[-1500:]
            )
        elif result.exit_code not in (0, 1):
            found.append(f"{command}: exit {result.exit_code}")
        if PYTHON_NAME.search(text):
            found.append(f"{command}: a Python name in {text[:600]!r}")
        try:
            if command in ("check-json", "rollover") or (
                command == "read" and not result.exit_code
            ):
                _strict(result.stdout)
        except ValueError as exc:
            found.append(f"{command}: not strict JSON ({exc})")
    if hashlib.sha256(path.read_bytes()).hexdigest() != before:
        found.append("the input was written")
    if found:
        return found
    problems = _strict(runs["check-json"].stdout)["files"][0]["problems"]  # type: ignore[index]
    codes = {p["code"] for p in problems}
    errors = [p for p in problems if p["severity"] == "error"]
    if codes & FILE_LEVEL and (runs["read"].exit_code != 1 or runs["fix"].exit_code != 1):
        found.append(f"check refused it ({codes & FILE_LEVEL}) but read or fix did not")
    if not errors and runs["fix"].exit_code != 0:
        found.append(f"check found no error, fix failed: {runs['fix'].stderr[:600]}")
    if not codes & FILE_LEVEL and runs["read"].exit_code != 0:
        found.append(f"check read it, read did not: {runs['read'].stderr[:600]}")
    return found


def main(argv: list[str]) -> None:
    out_dir, memory_mb, seconds, examples = argv
    limit(int(memory_mb), int(seconds))
    from hypothesis import HealthCheck, Phase, assume, given, seed, settings
    from hypothesis import strategies as st

    explore = os.environ.get("HOSTILE_SEED")  # another set of examples than the fixed one
    sources = {name: read_parts(EXAMPLES / name) for name in SOURCES}
    folder = Path(tempfile.mkdtemp(dir=out_dir))
    counter = iter(range(10**9))
    ran = []

    @settings(
        max_examples=int(examples),
        derandomize=not explore,
        phases=[Phase.explicit, Phase.generate],  # the failing example as found, not shrunk
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        source=st.sampled_from(SOURCES),
        part=st.sampled_from(PARTS),
        kind=st.sampled_from(["cut", "double", "truncate", "insert", "attribute", "index"]),
        at=st.floats(0, 1),
        size=st.integers(1, 40),
        choice=st.integers(0, 100),
    )
    def property_holds(
        source: str, part: str, kind: str, at: float, size: int, choice: int
    ) -> None:
        parts = dict(sources[source])
        damaged = damage(parts[part], kind, at, size, choice)
        if kind in ("cut", "double", "truncate", "insert"):
            # well-formedness damage: what is still well-formed (letters cut from a value)
            # is another kind of edit, left to the attribute and index kinds
            assume(not _well_formed(damaged))
        parts[part] = damaged
        path = write_parts(folder / f"case{next(counter)}.xlsx", parts)
        ran.append(path)
        broken = violations(path, folder, str(ROLLOVER_YEAR[source]))
        assert not broken, f"{source} {part} {kind} at={at} size={size} choice={choice}: {broken}"

    if explore:
        property_holds = seed(int(explore))(property_holds)
    try:
        property_holds()
    except AssertionError as exc:
        print(str(exc)[:6000])
        sys.exit(1)
    print(f"ok {len(ran)}")


if __name__ == "__main__":
    main(sys.argv[1:])
