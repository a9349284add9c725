"""Setting a --data folder up: the year, the roster, the admin password."""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path

from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.roster_match import read_expected
from xlsxsheet.web.auth import hash_secret, verify_secret
from xlsxsheet.web.store import Store


def current_fiscal_year(today: date | None = None) -> int:
    """The fiscal year under way (April to March)."""
    today = today or date.today()
    return today.year if today.month >= 4 else today.year - 1


def set_year(store: Store, year: int | None) -> None:
    """The year the service takes returns for: given, else kept, else the last fiscal year."""
    if year is not None:
        store.set_setting("year", str(year))
    elif not store.year:
        store.set_setting("year", str(current_fiscal_year() - 1))


def load_roster(store: Store, path: Path) -> int:
    """Read the roster CSV (RosterError naming every bad line) and keep it for the year."""
    entries = read_expected(path, default_registry())
    store.replace_roster(
        store.year,
        [
            {
                "line": e.line,
                "layout": e.layout,
                "key": e.key,
                "dept": e.dept,
                "file_name": e.file_name,
                "new": int(e.new),
            }
            for e in entries  # a row without 担当課 is kept: the office sees it 未提出
        ],
    )
    return len(entries)


def set_admin_password(store: Store, password: str | None) -> str | None:
    """Keep the given password's hash; with none kept yet, make one. The password made now."""
    if password:
        kept = store.setting("admin_hash")
        if kept and verify_secret(password, kept):
            return None
        store.set_setting("admin_hash", hash_secret(password))
        store.set_setting("admin_version", secrets.token_hex(8))
        return None
    if store.setting("admin_hash"):
        return None
    made = secrets.token_urlsafe(12)
    store.set_setting("admin_hash", hash_secret(made))
    store.set_setting("admin_version", secrets.token_hex(8))
    return made
