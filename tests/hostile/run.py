"""Run every command on hostile returns inside this process, under a memory and time limit.

    python -m hostile.run OUT_DIR MEMORY_MB SECONDS CASE_FILE=ROLLOVER_YEAR...

Sets ``resource.setrlimit`` (address space, CPU time) on itself, then for each file runs
check (text and JSON), read, fix, collect and rollover through click's CliRunner and prints
one JSON line per run: the command, exit code, output, the exception that escaped (if any) and
whether the input was left as it was. A run that exhausts the limits kills this process; the
lines printed before it say how far it got.
"""

from __future__ import annotations

import hashlib
import json
import resource
import sys
import time
import traceback
from pathlib import Path


def limit(memory_mb: int, seconds: int) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))


def commands(path: Path, out: Path, year: str) -> list[tuple[str, list[str]]]:
    stem = out / path.stem
    return [
        ("check", ["check", "-q", "-j", "1", str(path)]),
        ("check-json", ["check", "-q", "-j", "1", "--format", "json", str(path)]),
        ("read", ["read", "--format", "json", str(path)]),
        ("fix", ["fix", str(path), "-o", f"{stem}-fixed.xlsx"]),
        (
            "collect",
            [
                "collect",
                "-q",
                "-j",
                "1",
                str(path),
                "-o",
                f"{stem}-collect.xlsx",
                "--csv",
                f"{stem}-collect.csv",
            ],
        ),
        (
            "rollover",
            [
                "rollover",
                "-j",
                "1",
                "--year",
                year,
                "--format",
                "json",
                "-o",
                f"{stem}-rollover",
                str(path),
            ],
        ),
    ]


def main(argv: list[str]) -> None:
    out, memory_mb, seconds, *files = argv
    limit(int(memory_mb), int(seconds))
    from click.testing import CliRunner

    from xlsxsheet.cli import main as cli

    for argument in files:
        name, year = argument.rsplit("=", 1)
        path = Path(name)
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        for command, args in commands(path, Path(out), year):
            print(json.dumps({"case": path.stem, "command": command, "started": True}), flush=True)
            started = time.perf_counter()
            result = CliRunner().invoke(cli, args)
            seconds = time.perf_counter() - started
            escaped = None
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                escaped = "".join(traceback.format_exception(result.exception))[-3000:]
            line = {
                "case": path.stem,
                "command": command,
                "exit": result.exit_code,
                "stdout": result.stdout,
                "stderr": result.stderr,
                "escaped": escaped,
                "unchanged": hashlib.sha256(path.read_bytes()).hexdigest() == before,
                "seconds": round(seconds, 2),
                "output": f"{out}/{path.stem}-fixed.xlsx" if command == "fix" else None,
            }
            print(json.dumps(line, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
