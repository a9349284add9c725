"""The service's state under --data: one SQLite database (WAL) and the uploads as sent.

Every upload is kept under blobs/ by its SHA-256 (written to a temporary file, then renamed;
never overwritten: the same bytes twice are stored once) and recorded in one transaction with
its time, department, original name, size, hash and check result. A crash before the commit
leaves at most an unrecorded blob, never a half record. `BEGIN IMMEDIATE` keeps writers one at a
time; readers are not blocked (WAL).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS departments (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, code_hash TEXT NOT NULL,
    code_version INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS roster (
    id INTEGER PRIMARY KEY, year INTEGER NOT NULL, line INTEGER NOT NULL, layout TEXT NOT NULL,
    key TEXT NOT NULL, dept TEXT NOT NULL, file_name TEXT, new INTEGER NOT NULL DEFAULT 0,
    UNIQUE (year, layout, key));
CREATE TABLE IF NOT EXISTS uploads (
    id INTEGER PRIMARY KEY, dept_id INTEGER NOT NULL REFERENCES departments(id),
    year INTEGER NOT NULL, received TEXT NOT NULL, original_name TEXT NOT NULL,
    size INTEGER NOT NULL, sha256 TEXT NOT NULL, blob TEXT NOT NULL,
    layout TEXT, layout_title TEXT, file_year INTEGER, key TEXT, name TEXT,
    readable INTEGER NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL,
    version INTEGER NOT NULL, result TEXT NOT NULL,
    checked TEXT, checked_with TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS uploads_by_dept ON uploads (dept_id, year, layout, key);
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL, done INTEGER NOT NULL,
    total INTEGER NOT NULL, message TEXT NOT NULL DEFAULT '', output TEXT,
    download_name TEXT, created TEXT NOT NULL, finished TEXT);
"""
# columns added to `uploads` after its first release: a --data folder made by an earlier version
# gets them on opening (its uploads' results count as made with other layouts: checked again)
ADDED_COLUMNS = {"checked": "TEXT", "checked_with": "TEXT NOT NULL DEFAULT ''"}
# what a check records about an upload (`record_upload`, and `replace_check` when checked again)
CHECK_FIELDS = (
    "layout", "layout_title", "file_year", "key", "name", "readable", "errors", "warnings",
    "result", "checked", "checked_with",
)  # fmt: skip
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
# the error the desk adds to a return of another evaluation year (desk_year.for_desk)
WRONG_YEAR_CODE = "return-wrong-year"
STATE_WRONG_YEAR = "年度違い"
_BLOB_LOCK = threading.Lock()


@dataclass(frozen=True)
class Upload:
    """One recorded upload (a row of `uploads`)."""

    id: int
    dept_id: int
    dept: str
    year: int
    received: str
    original_name: str
    size: int
    sha256: str
    blob: str
    layout: str | None
    layout_title: str | None
    file_year: int | None
    key: str | None
    name: str | None
    readable: bool
    errors: int
    warnings: int
    version: int
    result: dict[str, Any]
    checked: str | None = None  # when the result was made again (None: when `received`)
    checked_with: str = ""  # the layouts' fingerprint it was made with (registry.fingerprint)

    @property
    def layout_broken(self) -> bool:
        """Not checked: the file of its layout has a mistake (not the department's fault)."""
        return any(p.get("code") == "layout-broken" for p in self.result.get("problems", ()))

    @property
    def wrong_year(self) -> bool:
        """A return of another evaluation year than the desk's (last year's sheet sent again):
        not counted for the year whatever else it holds (desk_year.for_desk)."""
        return any(p.get("code") == WRONG_YEAR_CODE for p in self.result.get("problems", ()))

    @property
    def rechecked(self) -> bool:
        """Checked again after it was received (the layouts changed)."""
        return self.checked is not None

    @property
    def state(self) -> str:
        """年度違い / エラー / 警告のみ / 問題なし, as the pages show it: a return of another
        year is 年度違い first, as what its 課 must send is another file, not this one mended."""
        if self.wrong_year:
            return STATE_WRONG_YEAR
        if not self.readable or self.errors:
            return "エラー"
        return "警告のみ" if self.warnings else "問題なし"


def now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


class Store:
    """The database and the blob folder of one --data folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.blobs = self.root / "blobs"
        self.work = self.root / "work"
        for folder in (self.root, self.blobs, self.work):
            folder.mkdir(parents=True, exist_ok=True)
        self.db_path = self.root / "xlsxsheet.sqlite3"
        with self.connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            have = {row["name"] for row in db.execute("PRAGMA table_info(uploads)")}
            for name, kind in ADDED_COLUMNS.items():
                if name not in have:
                    db.execute(f"ALTER TABLE uploads ADD COLUMN {name} {kind}")

    # --- connections ------------------------------------------------------------------------
    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA foreign_keys=ON")
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed whole or not at all."""
        with self.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # --- settings ---------------------------------------------------------------------------
    def setting(self, key: str) -> str | None:
        with self.connect() as db:
            row = db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self.write() as db:
            db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))

    def setting_once(self, key: str, make: Any) -> tuple[str, bool]:
        """The setting, made by `make()` and stored when absent; True when made now."""
        with self.write() as db:
            row = db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            if row:
                return row["value"], False
            value = make()
            db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (key, value))
            return value, True

    @property
    def year(self) -> int:
        return int(self.setting("year") or 0)

    @property
    def takes_any_year(self) -> bool:
        """The demo's desk, holding the bundled examples of five cities and years: a return of
        another year than the desk's is not an error there (desk_year)."""
        return self.setting("any_year") == "1"

    # --- blobs ------------------------------------------------------------------------------
    def keep_blob(self, data: bytes, original_name: str) -> tuple[str, str]:
        """Store the bytes by their SHA-256; (hash, relative blob path). Never overwrites."""
        digest = hashlib.sha256(data).hexdigest()
        suffix = Path(original_name).suffix.lower()
        suffix = suffix if suffix in WORKBOOK_SUFFIXES else ".bin"
        relative = f"{digest[:2]}/{digest}{suffix}"
        target = self.blobs / relative
        if not target.exists():
            target.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                with _BLOB_LOCK:  # one process serves: the check and the rename together
                    if target.exists():  # the same bytes, stored meanwhile by another upload
                        os.unlink(tmp)
                    else:
                        os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return digest, relative

    def blob_path(self, upload: Upload) -> Path:
        return self.blobs / upload.blob

    # --- departments ------------------------------------------------------------------------
    def departments(self) -> list[sqlite3.Row]:
        """Every 課, in the order the desk year's roster first names them (the office's own
        order, as its 組織順 roster lists them); a 課 the roster no longer names comes last,
        by name."""
        year = self.year
        with self.connect() as db:
            return db.execute(
                "SELECT departments.* FROM departments LEFT JOIN"
                " (SELECT dept, MIN(line) AS first FROM roster WHERE year = ? GROUP BY dept)"
                " AS listed ON listed.dept = departments.name"
                " ORDER BY listed.first IS NULL, listed.first, departments.name",
                (year,),
            ).fetchall()

    def roster_departments(self, year: int) -> list[str]:
        """The 課 a year's roster names, in the order it first names them."""
        return list(dict.fromkeys(r["dept"] for r in self.roster(year) if r["dept"]))

    def department(self, dept_id: int) -> sqlite3.Row | None:
        with self.connect() as db:
            return db.execute("SELECT * FROM departments WHERE id = ?", (dept_id,)).fetchone()

    def department_named(self, name: str) -> sqlite3.Row | None:
        with self.connect() as db:
            return db.execute("SELECT * FROM departments WHERE name = ?", (name,)).fetchone()

    def add_department(self, name: str, code_hash: str) -> bool:
        """Add a department unless it exists; True when added."""
        with self.write() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO departments (name, code_hash) VALUES (?, ?)",
                (name, code_hash),
            )
            return cursor.rowcount == 1

    def set_code(self, dept_id: int, code_hash: str) -> None:
        """A new access code; sessions signed in with the old one end."""
        with self.write() as db:
            db.execute(
                "UPDATE departments SET code_hash = ?, code_version = code_version + 1"
                " WHERE id = ?",
                (code_hash, dept_id),
            )

    # --- roster -----------------------------------------------------------------------------
    def replace_roster(self, year: int, rows: list[dict[str, Any]]) -> None:
        with self.write() as db:
            db.execute("DELETE FROM roster WHERE year = ?", (year,))
            db.executemany(
                "INSERT INTO roster (year, line, layout, key, dept, file_name, new)"
                " VALUES (:year, :line, :layout, :key, :dept, :file_name, :new)",
                [{**r, "year": year} for r in rows],
            )

    def roster(self, year: int, dept: str | None = None) -> list[sqlite3.Row]:
        query = "SELECT * FROM roster WHERE year = ?"
        args: tuple[Any, ...] = (year,)
        if dept is not None:
            query += " AND dept = ?"
            args += (dept,)
        order = (  # a 課's rows together, the 課 in the order the roster first names them
            " ORDER BY (SELECT MIN(line) FROM roster AS first WHERE first.year = roster.year"
            " AND first.dept = roster.dept), line"
        )
        with self.connect() as db:
            return db.execute(query + order, args).fetchall()

    # --- uploads ----------------------------------------------------------------------------
    def record_upload(self, fields: dict[str, Any]) -> int:
        """Record one checked upload as the next version of its 施策 for its department."""
        with self.write() as db:
            (version,) = db.execute(
                "SELECT COUNT(*) + 1 FROM uploads WHERE dept_id = ? AND year = ?"
                " AND layout IS ? AND key IS ?",
                (fields["dept_id"], fields["year"], fields["layout"], fields["key"]),
            ).fetchone()
            row = {
                "checked": None,
                "checked_with": "",
                **fields,
                "version": version,
                "result": json.dumps(fields["result"]),
            }
            cursor = db.execute(
                "INSERT INTO uploads (dept_id, year, received, original_name, size, sha256,"
                " blob, layout, layout_title, file_year, key, name, readable, errors, warnings,"
                " version, result, checked, checked_with) VALUES (:dept_id, :year, :received,"
                " :original_name, :size, :sha256, :blob, :layout, :layout_title, :file_year,"
                " :key, :name, :readable, :errors, :warnings, :version, :result, :checked,"
                " :checked_with)",
                row,
            )
            return int(cursor.lastrowid or 0)

    def replace_check(self, upload_id: int, fields: dict[str, Any]) -> None:
        """An upload checked again (the layouts changed): its result replaced, the file and
        when it was received kept. Its 施策 may now be known (a layout file mended), so the
        versions of its year are numbered again in the order they were received."""
        row = {**{name: fields[name] for name in CHECK_FIELDS}, "id": upload_id}
        row["result"] = json.dumps(row["result"])
        names = ", ".join(f"{name} = :{name}" for name in CHECK_FIELDS)
        with self.write() as db:
            db.execute(f"UPDATE uploads SET {names} WHERE id = :id", row)
            (year,) = db.execute("SELECT year FROM uploads WHERE id = ?", (upload_id,)).fetchone()
            _renumber(db, year)

    def _uploads(self, where: str, args: tuple[Any, ...]) -> list[Upload]:
        with self.connect() as db:
            rows = db.execute(
                "SELECT uploads.*, departments.name AS dept FROM uploads"
                " JOIN departments ON departments.id = uploads.dept_id"
                f" WHERE {where} ORDER BY uploads.id DESC",
                args,
            ).fetchall()
        return [_upload(row) for row in rows]

    def upload(self, upload_id: int) -> Upload | None:
        found = self._uploads("uploads.id = ?", (upload_id,))
        return found[0] if found else None

    def uploads(self, year: int, dept_id: int | None = None) -> list[Upload]:
        """The year's uploads, newest first; of one department with `dept_id`."""
        if dept_id is None:
            return self._uploads("uploads.year = ?", (year,))
        return self._uploads("uploads.year = ? AND uploads.dept_id = ?", (year, dept_id))

    def years(self) -> list[int]:
        """The years the desk has a roster or uploads for, and its own, newest first."""
        with self.connect() as db:
            found = {
                int(r[0])
                for r in db.execute("SELECT year FROM roster UNION SELECT year FROM uploads")
            }
        return sorted(found | {self.year}, reverse=True)

    def count_uploads(self) -> int:
        with self.connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM uploads").fetchone()[0])

    # --- jobs -------------------------------------------------------------------------------
    def new_job(self, kind: str, total: int) -> int:
        with self.write() as db:
            cursor = db.execute(
                "INSERT INTO jobs (kind, state, done, total, created) VALUES (?, 'running', 0, ?, ?)",
                (kind, total, now()),
            )
            return int(cursor.lastrowid or 0)

    def update_job(self, job_id: int, **fields: Any) -> None:
        names = ", ".join(f"{name} = :{name}" for name in fields)
        with self.write() as db:
            db.execute(f"UPDATE jobs SET {names} WHERE id = :id", {**fields, "id": job_id})

    def job(self, job_id: int) -> sqlite3.Row | None:
        with self.connect() as db:
            return db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()

    def jobs(self, limit: int = 10) -> list[sqlite3.Row]:
        with self.connect() as db:
            return db.execute("SELECT * FROM jobs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()

    def interrupt_jobs(self) -> None:
        """Jobs a stopped server left running are marked as interrupted."""
        with self.write() as db:
            db.execute(
                "UPDATE jobs SET state = 'failed', message = ?, finished = ? WHERE state = 'running'",
                ("サーバーの停止で中断しました。もう一度実行してください。", now()),
            )


def _renumber(db: sqlite3.Connection, year: int) -> None:
    """Each upload of the year the version it has among its department's uploads of the same
    様式 and 施策, in the order received (what record_upload gives a new one)."""
    counts: dict[tuple[Any, ...], int] = {}
    for row in db.execute(
        "SELECT id, dept_id, layout, key, version FROM uploads WHERE year = ? ORDER BY id",
        (year,),
    ).fetchall():
        identity = (row["dept_id"], row["layout"], row["key"])
        counts[identity] = version = counts.get(identity, 0) + 1
        if row["version"] != version:
            db.execute("UPDATE uploads SET version = ? WHERE id = ?", (version, row["id"]))


def _upload(row: sqlite3.Row) -> Upload:
    data = dict(row)
    data["readable"] = bool(data["readable"])
    data["result"] = json.loads(data["result"])
    return Upload(**data)


def latest_per_item(uploads: list[Upload]) -> dict[tuple[str | None, str | None], Upload]:
    """The newest upload per (layout, key), of uploads given newest first."""
    latest: dict[tuple[str | None, str | None], Upload] = {}
    for upload in uploads:
        latest.setdefault((upload.layout, upload.key), upload)
    return latest
