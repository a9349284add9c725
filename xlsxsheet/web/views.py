"""The pages of a department: sign-in, its 施策 and their state, upload, check result, copies.

Every view asks `auth` whether the user may see what it shows (`department_for`,
`readable_upload`); a department asking for another's gets 403.
"""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path, PurePath
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)

from xlsxsheet.core.errors import LayoutError, UnknownLayoutError, XlsxsheetError
from xlsxsheet.core.fiscal_year import long_label
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.collect import group_label
from xlsxsheet.office.filenames import render_pattern
from xlsxsheet.reading.safe_open import TEXT_TABLE_SUFFIXES
from xlsxsheet.web.auth import (
    current_user,
    department_for,
    readable_upload,
    sign_in_admin,
    sign_in_department,
    signed_in,
    store,
    verify_code,
    verify_secret,
)
from xlsxsheet.web.intake import take_upload
from xlsxsheet.web.office import (
    RosterIndex,
    latest_uploads,
    roster_rows,
    state_counts,
    units_word,
)
from xlsxsheet.web.recheck import is_stale, recheck, recheck_stale
from xlsxsheet.web.result_grid import quoted, shown_problems
from xlsxsheet.web.sent_names import as_sent
from xlsxsheet.web.store import WORKBOOK_SUFFIXES, Upload

bp = Blueprint("web", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAME_CHARS = 200


@bp.app_template_filter("year_label")
def year_label(year: int | None) -> str:
    return long_label(year) if year else ""


@bp.app_template_filter("group_label")
def group_label_filter(group: tuple[str, str]) -> str:
    """A 政策 of the cost table as its chart names it (see collect.group_label)."""
    return group_label(*group)


@bp.app_template_global("quoted")
def quoted_global(problem: dict[str, Any], which: str) -> dict[str, Any]:
    """A problem's 入力値 or 期待値 as the message quotes it (see result_grid.quoted)."""
    return quoted(problem, which)


@bp.app_template_filter("when")
def when(stamp: str | None) -> str:
    """An ISO time stamp as a person reads it: 2026-12-06 21:18."""
    if not stamp:
        return ""
    from datetime import datetime

    return datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M")


@bp.app_context_processor
def the_deadline() -> dict[str, Any]:
    """The desk year's 提出期限 for every page: its day, its label and the days left."""
    from xlsxsheet.web.deadline import day_label, days_left, deadline

    day = deadline(store(), store().year)
    if day is None:
        return {"deadline": None}
    return {"deadline": {"day": day, "label": day_label(day), "left": days_left(day)}}


@bp.get("/")
def home() -> Any:
    user = current_user()
    if user is None:
        return redirect(url_for("web.sign_in"))
    if user.admin:
        return redirect(url_for("web.office"))
    return redirect(url_for("web.department", dept_id=user.dept_id))


@bp.route("/signin", methods=["GET", "POST"])
def sign_in() -> Any:
    departments = store().departments()
    error = None
    if request.method == "POST":
        throttle = current_app.extensions["xlsxsheet_throttle"]
        address = request.remote_addr or ""
        throttle.check(address)
        who = request.form.get("who", "")
        secret = request.form.get("secret", "")
        if who == "admin":
            kept = store().setting("admin_hash") or ""
            if secret and verify_secret(secret, kept):
                sign_in_admin()
                return redirect(_next_page() or url_for("web.office"))
        else:
            row = next((d for d in departments if str(d["id"]) == who), None)
            if row is not None and secret and verify_code(secret, row["code_hash"]):
                sign_in_department(row)
                return redirect(_next_page() or url_for("web.department", dept_id=row["id"]))
        throttle.failed(address)
        error = "課またはアクセスコード(パスワード)が違います。"
    status = 401 if error else 200
    return render_template("signin.html", departments=departments, error=error), status


def _next_page() -> str | None:
    """Where to go after signing in: a page of this site only."""
    target = request.args.get("next", "")
    if not target.startswith("/") or target[1:2] in ("/", "\\"):  # //host, /\host: elsewhere
        return None
    return target


@bp.post("/signout")
def sign_out() -> Any:
    session.clear()
    return redirect(url_for("web.sign_in"))


def shown_year() -> int:
    """The year a page shows: `?year=` when the desk has it (an earlier year, read only),
    else the year the desk takes returns for."""
    asked = request.args.get("year", "")
    years = store().years()
    return int(asked) if asked.isdigit() and int(asked) in years else store().year


@bp.get("/dept/<int:dept_id>")
@signed_in
def department(dept_id: int) -> Any:
    row = department_for(dept_id)
    year = shown_year()
    closed = year != store().year
    if not closed:  # a year closed keeps its results
        recheck_stale(store(), summary_cache(), year, dept_id)  # after a layout changed
    rows = roster_rows(store(), year, row["name"])
    uploads = store().uploads(year, dept_id)
    index = RosterIndex(store().roster(year))
    misplaced = {u.id: owner for u in uploads if (owner := index.owner_elsewhere(u)) is not None}
    newest = {u.id for u in latest_uploads(store(), year) if u.dept_id == dept_id}
    return render_template(
        "department.html",
        dept=row,
        year=year,
        closed=closed,
        years=store().years(),
        desk=store().year,
        rows=rows,
        units=units_word(rows),
        counts=state_counts(rows),
        uploads=uploads,
        misplaced=misplaced,
        misplaced_newest=[u for u in uploads if u.id in misplaced and u.id in newest],
        max_mb=current_app.config["MAX_UPLOAD_MB"],
    )


@bp.post("/dept/<int:dept_id>/upload")
@signed_in
def upload(dept_id: int) -> Any:
    user = current_user()
    assert user is not None
    if user.dept_id != dept_id:  # only a department sends its own returns
        abort(403)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        abort(400, "ファイルを選んでから「提出する」を押してください。")
    name = original_name(sent.filename)
    if name.startswith("~$"):  # never a return: not kept, not a version
        abort(
            400,
            f"{name} は、Excel がブックを開いている間だけ作る一時ファイル(~$ で始まるファイル)"
            "です。Excel でブックを閉じてから、名前が ~$ で始まらない元のファイルを選んでください。",
        )
    refusal = not_a_workbook_name(name)
    if refusal:  # a CSV, a PDF: never a return, so not kept or numbered as a version
        abort(400, refusal)
    data = sent.read()
    if not data:
        abort(400, f"{name} は空のファイルです。Excel で保存したブックを選んでください。")
    upload_id, _summary = take_upload(store(), summary_cache(), dept_id, data, name)
    return redirect(url_for("web.upload_result", upload_id=upload_id), 303)


def not_a_workbook_name(name: str) -> str:
    """Why a file of this name is no return (its extension is not a workbook's), or ""."""
    suffix = PurePath(name).suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return ""
    how = "様式に記入したブックを Excel で「Excel ブック (*.xlsx)」として保存し、そのファイルを選んでください。"
    if suffix in TEXT_TABLE_SUFFIXES:
        return f"{name} はCSV(テキスト)のファイルで、Excel ブックではありません。{how}"
    shown = f"拡張子 {suffix}" if suffix else "拡張子がありません"
    return f"{name} は Excel ブック(.xlsx・.xlsm・.xls)ではありません({shown})。{how}"


def summary_cache() -> Any:
    """The app's SummaryCache (the office's pages and every re-check share it)."""
    return current_app.extensions["xlsxsheet_summaries"]


def original_name(sent: str) -> str:
    """The file name as the browser sent it, for showing only: no folders, one line, bounded."""
    name = PurePath(sent.replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "(名前なし)"
    return name[-NAME_CHARS:]


@bp.get("/uploads/<int:upload_id>")
@signed_in
def upload_result(upload_id: int) -> Any:
    found = readable_upload(upload_id)
    if found.year == store().year and is_stale(found):  # a year closed keeps its results
        recheck(store(), summary_cache(), [found])
        found = readable_upload(upload_id)
    index = RosterIndex(store().roster(found.year))
    owner = index.owner_elsewhere(found)
    same = [  # the same bytes sent before by the same 課: a new version, the same content
        u
        for u in store().uploads(found.year, found.dept_id)
        if u.sha256 == found.sha256 and u.id < found.id
    ]
    unlisted = bool(index.rows) and found.readable and not index.of(found)
    return render_template(
        "result.html",
        upload=found,
        result=found.result,
        problems=_shown_problems(found),
        owner=owner,
        unit=_unit_word(found.layout),
        same=same[-1:],
        unlisted=unlisted,
        closed=found.year != store().year,
    )


def _shown_problems(upload: Upload) -> list[dict[str, Any]]:
    """The upload's problems with the cells around each as Excel shows them (its kept file
    read again: values, not formulas; see result_grid)."""
    problems = upload.result["problems"]
    key = (upload.sha256, upload.checked_with, default_registry().fingerprint())  # their makings
    return shown_problems(store().blob_path(upload), problems, key)


def _unit_word(layout_id: str | None) -> str:
    """What one return of the layout is called (its summary.unit: 施策, 事務事業), 施策 if none."""
    try:
        summary = default_registry().get(layout_id or "").summary
    except (LayoutError, UnknownLayoutError):
        return "施策"
    return summary.unit if summary is not None and summary.unit else "施策"


@bp.get("/uploads/<int:upload_id>/original")
@signed_in
def download_original(upload_id: int) -> Any:
    found = readable_upload(upload_id)
    return send_file(
        store().blob_path(found),
        as_attachment=True,
        download_name=found.original_name,
        mimetype="application/octet-stream",
    )


@bp.get("/uploads/<int:upload_id>/marked")
@signed_in
def download_marked(upload_id: int) -> Any:
    from xlsxsheet.copies.marked import annotated_name, write_annotated

    found = readable_upload(upload_id)
    if not found.result["can_mark"]:
        abort(404)
    checked = _checked_again(found)
    blob = store().blob_path(found)
    problems = as_sent(checked.problems, blob, found.original_name)
    data = _made(lambda out: write_annotated(blob, problems, out))
    return _send(data, annotated_name(Path(_stem_name(found))))


@bp.get("/uploads/<int:upload_id>/fixed")
@signed_in
def download_fixed(upload_id: int) -> Any:
    from xlsxsheet.copies.corrected import write_fixed
    from xlsxsheet.office.filenames import fixed_name

    found = readable_upload(upload_id)
    if not found.result["can_fix"]:
        abort(404)
    checked = _checked_again(found)
    data = _made(lambda out: write_fixed(checked, out))
    return _send(data, fixed_name(_stem_name(found)))


def _stem_name(upload: Upload) -> str:
    name = Path(upload.original_name)
    return name.name if name.suffix.lower() in (".xlsx", ".xlsm") else f"{name.stem}.xlsx"


def _checked_again(upload: Upload) -> Any:
    from xlsxsheet.checks.pipeline import check_file

    return check_file(store().blob_path(upload), default_registry())


def _made(write: Any) -> bytes:
    """The bytes `write(path)` leaves at a scratch path under work/ (removed after)."""
    out = store().work / f"tmp-{uuid.uuid4().hex}.xlsx"
    try:
        write(out)
        return out.read_bytes()
    except XlsxsheetError as exc:
        abort(400, str(exc))
    finally:
        out.unlink(missing_ok=True)


def _send(data: bytes, name: str) -> Any:
    return send_file(io.BytesIO(data), as_attachment=True, download_name=name, mimetype=XLSX)


@bp.get("/dept/<int:dept_id>/template/<int:roster_id>")
@signed_in
def download_template(dept_id: int, roster_id: int) -> Any:
    """The year's template of one roster row: next year's from rollover, else an empty one."""
    from xlsxsheet.office.filenames import safe_file_name
    from xlsxsheet.web.desk_params import layout_desk_params
    from xlsxsheet.writing.make_template import make_template

    row = department_for(dept_id)
    entry = next(
        (r for r in store().roster(store().year, row["name"]) if r["id"] == roster_id), None
    )
    if entry is None:
        abort(404)
    year = store().year
    made = json.loads(store().setting(f"templates_{year}") or "{}")
    kept = made.get(f"{entry['layout']}|{entry['key']}") or made.get(f"{entry['layout']}|")
    try:
        layout = default_registry().get(entry["layout"])
    except (LayoutError, UnknownLayoutError):
        abort(
            400,
            f"様式「{entry['layout']}」の定義ファイルに誤りがあるため、いまは様式を作れません。"
            "企画課(システム担当)にお知らせください。",
        )
    name = (  # the roster's ファイル名 where it gives one, as rollover names the file
        safe_file_name(entry["file_name"])
        if entry["file_name"]
        else desk_template_name(layout.title, entry["key"], row["name"], year)
    )
    if kept:
        return _send((store().root / kept).read_bytes(), name)
    doc = roster_document(layout, year, entry["key"], row["name"])
    doc["params"] = layout.default_params() | layout_desk_params(store(), layout)
    data = _made(lambda out: make_template(layout, out, None, doc))
    return _send(data, name)


DESK_TEMPLATE_PATTERN = "{様式}_{施策番号}_{担当課}_{年度名}.xlsx"


def desk_template_name(title: str, key: str, dept: str, year: int) -> str:
    """The name a 課 downloads a roster row's template under: 様式, 施策番号 and 課 told, so
    that the file a clerk forwards or saves beside the others says whose it is; a layout
    without a key gives 様式_課_年度. Safe on Windows (a 課 or a number with / or :)."""
    values = {"様式": title, "施策番号": key, "担当課": dept, "年度名": long_label(year)}
    return render_pattern(DESK_TEMPLATE_PATTERN, values)


def roster_document(layout: Any, year: int, key: str, dept: str) -> dict[str, Any]:
    """The data document of a roster row's empty template: its 施策番号 and 担当課 filled in
    (the layout's summary.key and summary.department), as `rollover --roster` fills them, so a
    return answers its row without the department typing them."""
    from xlsxsheet.plan.document import set_path

    doc: dict[str, Any] = {"layout": layout.id, "year": year}
    summary = layout.summary
    if summary is not None and summary.key is not None and key:
        set_path(doc, tuple(summary.key.split(".")), key)
    if summary is not None and summary.department is not None:
        set_path(doc, tuple(summary.department.split(".")), dept)
    return doc
