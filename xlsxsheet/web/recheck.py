"""Uploads checked again when the layouts changed after their check.

Each upload keeps the fingerprint of the layout files its result was made with
(`LayoutRegistry.fingerprint`: xlsxsheet's version and every YAML file's bytes). When the
city's IT staff mend, add or change a layout file of a running service (or xlsxsheet is
updated), the results made before are stale: an upload refused as `layout-broken` stays refused,
a changed rule is not applied. A department's pages check that department's stale uploads of
the year when they are shown; the office is told how many of the year's uploads are stale and
checks them with one job, which every other office job also runs first. The file as sent, when
it was received, and by whom are never changed; the result, the time of the check and the
version numbers (a 施策 now known) are. A result that could be read is never replaced by
`layout-broken` (a layout file saved with a mistake): it is kept until the file is mended.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.status import layout_broken
from xlsxsheet.web.desk_year import desk_year
from xlsxsheet.web.intake import check_fields
from xlsxsheet.web.office import SummaryCache
from xlsxsheet.web.store import Store, Upload, now


def is_stale(upload: Upload) -> bool:
    """Whether the upload's result was made with other layouts than the current ones."""
    return upload.checked_with != default_registry().fingerprint()


def stale_uploads(store: Store, year: int, dept_id: int | None = None) -> list[Upload]:
    """The year's uploads (of one department) whose result was made with other layouts."""
    fingerprint = default_registry().fingerprint()
    return [u for u in store.uploads(year, dept_id) if u.checked_with != fingerprint]


@dataclass
class Rechecked:
    """What `recheck` did: uploads checked again, and those whose result was kept because
    their layout's file now has a mistake (a good result is not replaced by 「点検できません」;
    they stay stale and are checked again once the file is mended)."""

    checked: int = 0
    kept: int = 0


def recheck(
    store: Store,
    cache: SummaryCache,
    uploads: Iterable[Upload],
    progress: Callable[[int], None] | None = None,
) -> Rechecked:
    """Check each upload again from its file and keep the new result (see Rechecked).

    Oldest first, so that versions numbered again follow the order of receipt."""
    done = Rechecked()
    for n, upload in enumerate(sorted(uploads, key=lambda u: u.id), 1):
        year = desk_year(store, upload.year)
        fields, summary = check_fields(store.blob_path(upload), upload.original_name, year)
        if upload.readable and layout_broken(summary):
            done.kept += 1
        else:
            store.replace_check(upload.id, {**fields, "checked": now()})
            cache.put(upload.id, summary, fields["checked_with"])
            done.checked += 1
        if progress is not None:
            progress(n)
    return done


def recheck_stale(
    store: Store, cache: SummaryCache, year: int, dept_id: int | None = None
) -> Rechecked:
    """`recheck` of the year's stale uploads (of one department)."""
    return recheck(store, cache, stale_uploads(store, year, dept_id))
