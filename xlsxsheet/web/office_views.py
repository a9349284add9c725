"""The pages of the central office: the roster's state, 評価総括表 and costs, downloads, jobs."""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path
from typing import Any

from flask import abort, redirect, render_template, request, send_file, url_for
from werkzeug.exceptions import BadRequest

from xlsxsheet.core.errors import LayoutError, RosterError, UnknownLayoutError
from xlsxsheet.core.fiscal_year import long_label
from xlsxsheet.layout.layout_names import roster_layout
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.collect import cost_tables, grade_tables
from xlsxsheet.office.roster import matching_key
from xlsxsheet.web.auth import admin_only, hash_code, make_code, store, throttle
from xlsxsheet.web.charts import cost_chart, grade_chart
from xlsxsheet.web.desk_year import desk_year, of_the_year
from xlsxsheet.web.jobs import EARLIER_YEAR_KINDS, KINDS, rollover_report, start_job
from xlsxsheet.web.office import (
    RosterIndex,
    collection,
    latest_uploads,
    not_in_roster,
    roster_rows,
    state_counts,
    units_word,
)
from xlsxsheet.web.recheck import stale_uploads
from xlsxsheet.web.setup import load_roster
from xlsxsheet.web.views import bp, shown_year, summary_cache


@bp.get("/admin")
@admin_only
def office() -> Any:
    year = shown_year()
    rows = roster_rows(store(), year)
    index = RosterIndex(store().roster(year))
    uploads = store().uploads(year)[:50]
    broken = default_registry().broken()
    return render_template(
        "office.html",
        broken_layouts=broken,
        gone_layouts=sorted({r.row["layout"] for r in rows if r.layout_unusable} - set(broken)),
        year=year,
        closed=year != store().year,
        years=store().years(),
        desk=store().year,
        rows=rows,
        units=units_word(rows),
        counts=state_counts(rows),
        departments=store().departments(),
        stale=len(stale_uploads(store(), year)),
        late=late_uploads(rows, year),
        uncarried=sum(
            r.latest is None or not r.latest.readable or r.latest.file_year != year for r in rows
        ),
        unlisted=not_in_roster(store(), year, index),
        misplaced=[
            (u, owner)
            for u in latest_uploads(store(), year)
            if (owner := index.owner_elsewhere(u)) is not None
        ],
        not_counted={u.id for u in uploads if index.owner_elsewhere(u) is not None},
        uploads=uploads,
        kinds=KINDS,
        earlier_year_kinds=EARLIER_YEAR_KINDS,
        jobs=store().jobs(),
    )


def late_uploads(rows: list[Any], year: int) -> set[int]:
    """The ids of the rows' latest uploads received after the year's 提出期限."""
    from xlsxsheet.web.deadline import deadline, late

    day = deadline(store(), year)
    return {r.latest.id for r in rows if r.latest is not None and late(r.latest, day)}


@bp.get("/admin/summary")
@admin_only
def office_summary() -> Any:
    """The city-wide 評価総括表 and cost totals of the latest returns, with charts."""
    year = shown_year()
    found = collection(store(), summary_cache(), year)
    # returns of another evaluation year (each with its error return-wrong-year) are left out
    taken = desk_year(store(), year)
    grades = [(t, grade_chart(t)) for t in grade_tables(found) if taken in (None, t["year"])]
    costs = []
    for table in cost_tables(found):
        if taken not in (None, table["year"]):
            continue
        label = chart_series(table)
        costs.append((table, label, cost_chart(table, label)))
    other_years = sum(not of_the_year(r, taken) for r in found.kept)
    return render_template(
        "summary.html",
        year=year,
        grades=grades,
        costs=costs,
        kept=len(found.kept) - other_years,
        other_years=other_years,
        years=store().years(),
        desk=store().year,
        closed=year != store().year,
    )


def chart_series(table: dict[str, Any]) -> str:
    """The series a cost table's chart draws: the layout's last cost (its total where it has
    one), of the actuals; a 予算 series the summary keeps apart (トータルコスト(A)+(B)(予算)) only
    when the table has nothing else."""
    labels: list[str] = table["labels"]
    try:
        declared = [c.label for c in default_registry().get(table["layout"]).summary.costs]
    except (LayoutError, UnknownLayoutError, AttributeError):
        declared = []
    chosen = [label for label in declared if label in labels]
    return chosen[-1] if chosen else labels[-1]


@bp.post("/admin/jobs/<kind>")
@admin_only
def new_job(kind: str) -> Any:
    if kind not in KINDS:
        abort(404)
    if kind == "new-year" and request.form.get("confirm") != "yes":
        abort(400, "新しい年度を始めるときは「確認しました」にチェックを入れてください。")
    asked = request.form.get("year", "")
    year = int(asked) if asked.isdigit() and int(asked) in store().years() else store().year
    if year != store().year and kind not in EARLIER_YEAR_KINDS:
        abort(400, f"{long_label(year)}は終わった年度です。この処理はいまの年度だけでできます。")
    running = [j for j in store().jobs(50) if j["kind"] == kind and j["state"] == "running"]
    if running:  # the same work already under way: show it rather than start it twice
        return redirect(url_for("web.job", job_id=running[0]["id"]), 303)
    job_id = start_job(store(), summary_cache(), kind, year)
    return redirect(url_for("web.job", job_id=job_id), 303)


@bp.get("/admin/jobs/<int:job_id>")
@admin_only
def job(job_id: int) -> Any:
    row = store().job(job_id)
    if row is None:
        abort(404)
    report = rollover_report(store(), job_id) if row["state"] == "done" else None
    return render_template(
        "job.html", job=row, title=KINDS.get(row["kind"], row["kind"]), report=report
    )


@bp.get("/admin/jobs/<int:job_id>/download")
@admin_only
def job_download(job_id: int) -> Any:
    row = store().job(job_id)
    if row is None or row["state"] != "done" or not row["output"]:
        abort(404)
    return send_file(
        store().work / row["output"], as_attachment=True, download_name=row["download_name"]
    )


@bp.post("/admin/dept/<int:dept_id>/code")
@admin_only
def new_code(dept_id: int) -> Any:
    row = store().department(dept_id)
    if row is None:
        abort(404)
    if request.form.get("confirm") != "yes":  # the 課's code and sessions stop at once
        abort(
            400,
            "新しいコードを発行すると、いまのコードとそのコードでのサインインは使えなくなります。"
            "発行するときは「いまのコードを無効にする」にチェックを入れてください。",
        )
    code = make_code()
    store().set_code(dept_id, hash_code(code))
    throttle().forget_account(str(dept_id))  # a 課 locked out by failures can sign in again
    return render_template("code.html", dept=row, code=code)


@bp.get("/admin/roster.csv")
@admin_only
def roster_csv() -> Any:
    """The year's roster as the office would edit it (UTF-8 with BOM: Excel opens it)."""
    year = store().year
    lines = ["様式,施策番号,担当課,ファイル名"]
    registry = default_registry()
    for row in sorted(store().roster(year), key=lambda r: r["line"]):  # as the office wrote it
        try:  # the name the office wrote (a roster takes it back); the id if the file is broken
            shown = registry.get(row["layout"]).title
        except (LayoutError, UnknownLayoutError):
            shown = row["layout"]
        cells = (shown, row["key"], row["dept"] or "", row["file_name"] or "")
        lines.append(",".join(_csv_cell(str(c)) for c in cells))
    data = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
    return send_file(
        io.BytesIO(data),
        as_attachment=True,
        download_name=f"名簿_{long_label(year)}.csv",
        mimetype="text/csv",
    )


@bp.post("/admin/roster")
@admin_only
def replace_roster() -> Any:
    """A roster CSV sent by the office replaces the year's (every bad line named, nothing
    changed then); a 課 it names for the first time gets its access code, shown once."""
    sent = request.files.get("roster")
    if sent is None or not sent.filename:
        abort(400, "名簿のCSVファイルを選んでください(見出し: 様式,施策番号,担当課)。")
    folder = Path(tempfile.mkdtemp(dir=store().work))
    try:
        path = folder / "名簿.csv"
        path.write_bytes(sent.read(ROSTER_LIMIT + 1)[: ROSTER_LIMIT + 1])
        if path.stat().st_size > ROSTER_LIMIT:
            abort(400, f"名簿のファイルが大きすぎます({ROSTER_LIMIT // 1024 // 1024} MB まで)。")
        try:
            before = _roster_rows(store().year)
            count = load_roster(store(), path)
        except RosterError as exc:
            head, *lines = str(exc).replace(path.name, sent.filename).splitlines()
            refused = BadRequest(head.rstrip(":：") + "。名簿は変えていません。")
            refused.details = [line.removeprefix("- ") for line in lines]  # type: ignore[attr-defined]
            refused.action = (url_for("web.office"), "全体の状況へ戻る")  # type: ignore[attr-defined]
            raise refused from exc
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    codes = {}
    for dept in store().roster_departments(store().year):
        code = make_code()
        if store().add_department(dept, hash_code(code)):
            codes[dept] = code
    after = _roster_rows(store().year)
    changes = _roster_changes(before, after)
    return render_template(
        "roster_done.html", count=count, codes=codes, year=store().year, changes=changes
    )


def _roster_rows(year: int) -> dict[tuple[str, str], str]:
    """(layout, key as matched) → 担当課 of the year's roster."""
    return {(r["layout"], matching_key(r["key"])): r["dept"] or "" for r in store().roster(year)}


def _roster_changes(
    before: dict[tuple[str, str], str], after: dict[tuple[str, str], str]
) -> list[str]:
    """What the new roster changed, a line each: rows added, removed, given to another 課."""
    registry = default_registry()

    def named(row: tuple[str, str]) -> str:
        return f"{roster_layout(registry, row[0], row[1])[0]} {row[1]}".strip()

    lines = [f"追加: {named(r)}({after[r] or '担当課なし'})" for r in after if r not in before]
    lines += [f"削除: {named(r)}({before[r] or '担当課なし'})" for r in before if r not in after]
    lines += [
        f"担当課の変更: {named(r)}({before[r] or 'なし'} → {after[r] or 'なし'})"
        for r in after
        if r in before and before[r] != after[r]
    ]
    return lines


ROSTER_LIMIT = 2 * 1024 * 1024  # a roster of thousands of rows is well under this


def _csv_cell(text: str) -> str:
    """A CSV cell, quoted where it must be; a leading =, +, -, @ kept as text for Excel."""
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and text != "-":
        text = "'" + text
    if any(c in text for c in ',"\r\n'):
        text = '"' + text.replace('"', '""') + '"'
    return text


@bp.post("/admin/deadline")
@admin_only
def set_the_deadline() -> Any:
    """The desk year's 提出期限 (a date; empty: none)."""
    from datetime import date

    from xlsxsheet.web.deadline import set_deadline

    text = request.form.get("deadline", "").strip()
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        abort(400, f"提出期限「{text}」を日付として読めません。2027-06-30 のように選んでください。")
    set_deadline(store(), store().year, day)
    return redirect(url_for("web.office"), 303)
