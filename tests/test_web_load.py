"""提出窓口 under load on loopback, bounded and stopping by itself: 50 concurrent uploads of the
bundled example returns are each stored once and checked; the server killed while uploads are
in flight and started again loses nothing it had answered, and keeps no half record."""

from __future__ import annotations

import hashlib
import http.client
import sqlite3
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.core.data_folders import examples_dir
from xlsxsheet.web.demo import ROWS, write_demo_roster

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from web_upload import DeskClient, free_port, start_server

UPLOADS = 50
WORKERS = 12


@pytest.fixture
def examples() -> list[tuple[str, bytes, int, int]]:
    """(department, bytes, errors, warnings) of each bundled example return."""
    found = []
    for example, _layout, _key, dept in ROWS:
        if example is None:
            continue
        path = examples_dir() / example
        checked = check_file(path)
        # the server's desk takes 2020 (start_server): a return of another year is an error
        wrong_year = checked.read is not None and checked.read.plan.year != 2020
        found.append((dept, path.read_bytes(), checked.errors + wrong_year, checked.warnings))
    return found


def _clients(base: str, codes: dict[str, str], per_dept: int = 2) -> dict[str, list[DeskClient]]:
    clients: dict[str, list[DeskClient]] = {}
    for dept, code in codes.items():
        for _ in range(per_dept):
            client = DeskClient(base, timeout=60)
            client.sign_in(dept, code)
            clients.setdefault(dept, []).append(client)
    return clients


def _send(
    clients: dict[str, list[DeskClient]],
    jobs: list[tuple[str, str, bytes]],
    follow: bool = True,
    answers: threading.Semaphore | None = None,
) -> dict[str, Any]:
    """Upload each (name, department, bytes) at once; name → upload id (None: no answer).

    follow=False: the POST's answer (303 with the id) is the answer; no result page asked.
    `answers` is released once per answer (the kill below waits for some)."""

    def one(n: int) -> tuple[str, int | None]:
        name, dept, data = jobs[n]
        client = clients[dept][n % len(clients[dept])]
        try:
            status, upload_id, page = client.upload(data, name, follow)
        except (OSError, http.client.HTTPException):  # the server went away before it answered
            return name, None
        assert status == (200 if follow else 303), (name, status)
        assert b'id="counts"' in page or not follow
        if answers is not None:
            answers.release()
        return name, upload_id

    with ThreadPoolExecutor(WORKERS) as pool:
        return dict(pool.map(one, range(len(jobs))))


def _records(data: Path) -> list[sqlite3.Row]:
    db = sqlite3.connect(data / "xlsxsheet.sqlite3")
    db.row_factory = sqlite3.Row
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return db.execute("SELECT * FROM uploads ORDER BY id").fetchall()
    finally:
        db.close()


def _check_records(data: Path, answered: dict[str, int], sent: dict[str, tuple[bytes, int, int]]):
    """Every answered upload stored once with its bytes and check; every record whole."""
    records = _records(data)
    by_name: dict[str, list[sqlite3.Row]] = {}
    for row in records:
        by_name.setdefault(row["original_name"], []).append(row)
        blob = (data / "blobs" / row["blob"]).read_bytes()  # no record without its file
        assert hashlib.sha256(blob).hexdigest() == row["sha256"]
        assert len(blob) == row["size"]
        data_sent, errors, warnings = sent[row["original_name"]]
        assert blob == data_sent
        assert (row["errors"], row["warnings"], row["readable"]) == (errors, warnings, 1)
    for name, upload_id in answered.items():
        assert [r["id"] for r in by_name.get(name, [])] == [upload_id], name
    return records


def test_fifty_concurrent_uploads_and_a_restart_lose_nothing(
    tmp_path: Path, examples: list[tuple[str, bytes, int, int]]
) -> None:
    data = tmp_path / "提出窓口"
    roster = write_demo_roster(tmp_path)
    port = free_port()
    process, codes = start_server(data, port, roster)
    sent: dict[str, tuple[bytes, int, int]] = {}

    def jobs(prefix: str, count: int) -> list[tuple[str, str, bytes]]:
        made = []
        for n in range(count):
            dept, payload, errors, warnings = examples[n % len(examples)]
            name = f"{prefix}{n:03d}.xlsx"
            sent[name] = (payload, errors, warnings)
            made.append((name, dept, payload))
        return made

    try:
        base = f"http://127.0.0.1:{port}"
        clients = _clients(base, codes)
        first = _send(clients, jobs("一斉", UPLOADS))
        assert all(first.values()), "every upload answered"
        records = _check_records(data, first, sent)
        assert len(records) == UPLOADS
        # versions per department and 施策 count up without a gap or a repeat
        versions: dict[tuple[int, str, str], list[int]] = {}
        for row in records:
            versions.setdefault((row["dept_id"], row["layout"], row["key"]), []).append(
                row["version"]
            )
        for numbers in versions.values():
            assert sorted(numbers) == list(range(1, len(numbers) + 1))

        # the server killed while 30 uploads are in flight
        in_flight = jobs("停止前", 30)
        killer = ThreadPoolExecutor(1)
        answers = threading.Semaphore(0)

        def kill_soon() -> None:
            try:
                for _ in range(5):  # five answered, then the plug pulled
                    answers.acquire(timeout=60)
            finally:
                process.kill()

        killed = killer.submit(kill_soon)
        second = _send(clients, in_flight, follow=False, answers=answers)
        killed.result(timeout=60)
        process.wait(timeout=30)
        answered = {name: i for name, i in second.items() if i is not None}
        lost = [name for name, i in second.items() if i is None]
        assert answered, "some uploads were answered before the kill"
        assert lost, "the kill came while uploads were in flight"

        process, _ = start_server(data, port)  # the same folder, started again
        clients = _clients(base, codes, per_dept=1)
        resent = _send(clients, [(f"再送{name}", d, p) for name, d, p in in_flight if name in lost])
        for name in lost:
            sent[f"再送{name}"] = sent[name]
        assert all(resent.values())
        records = _check_records(data, {**first, **answered, **resent}, sent)
        unanswered_kept = len(records) - UPLOADS - len(answered) - len(resent)
        assert 0 <= unanswered_kept <= len(lost)  # recorded whole before the kill, not answered
        # the restarted server shows what it had answered
        page = clients["福祉総務課"][0].request(clients["福祉総務課"][0].home)[2].decode()
        assert "一斉000.xlsx" in page
    finally:
        process.kill()
        process.wait(timeout=30)
