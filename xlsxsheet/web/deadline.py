"""The year's 提出期限: a date the office sets, shown to every 課 with the days left, and an
upload received after it marked 期限後 on the office's roster."""

from __future__ import annotations

from datetime import date, datetime

from xlsxsheet.web.store import Store, Upload

WEEKDAYS = "月火水木金土日"


def deadline(store: Store, year: int) -> date | None:
    kept = store.setting(f"deadline_{year}")
    return date.fromisoformat(kept) if kept else None


def set_deadline(store: Store, year: int, day: date | None) -> None:
    store.set_setting(f"deadline_{year}", day.isoformat() if day is not None else "")


def day_label(day: date) -> str:
    """2027年6月30日(水)."""
    return f"{day.year}年{day.month}月{day.day}日({WEEKDAYS[day.weekday()]})"


def days_left(day: date, today: date | None = None) -> int:
    """Days until the deadline (0: today is the last day; negative: past)."""
    return (day - (today or date.today())).days


def late(upload: Upload, day: date | None) -> bool:
    """Received after the deadline's day (the deadline day itself is in time)."""
    if day is None:
        return False
    return datetime.fromisoformat(upload.received).date() > day
