"""Long work of the central office, in a background thread, its progress in the database.

Each kind calls the library function its CLI command calls (`collect.write_summary_workbook`,
`collect.write_tidy_csv`, `marked.try_write_annotated`, `corrected.write_fixed`,
`rollover.rollover`) and leaves one
file under work/ to download. The status page refreshes itself until the job is done. Uploads
whose result was made with other layouts (`recheck`) are checked again first, so that no job
works from a stale result; "recheck" does only that.
"""

from __future__ import annotations

import json
import shutil
import threading
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlsxsheet.core.errors import LayoutError, XlsxsheetError
from xlsxsheet.core.fiscal_year import long_label
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.filenames import fixed_name, safe_file_name, safe_workbook_name
from xlsxsheet.office.roster import matched_as
from xlsxsheet.office.status import layout_broken
from xlsxsheet.web.office import (
    STATES,
    SummaryCache,
    collection,
    counted_uploads,
    display_name,
    latest_uploads,
    of_other_years,
    roster_entries,
    summaries,
)
from xlsxsheet.web.recheck import recheck, recheck_stale, stale_uploads
from xlsxsheet.web.sent_names import as_sent
from xlsxsheet.web.store import Store, Upload, now

if TYPE_CHECKING:
    from xlsxsheet.office.collect import Collection

Progress = Callable[[int], None]
Made = tuple[Path | None, str, str]  # the file to download (None: none), its name, the report
KINDS = {
    "recheck": "現在の様式定義で点検し直す",
    "summary": "集計ブック(評価総括表・コスト集計)",
    "csv": "機械判読用CSV",
    "marked": "点検結果の写し(すべて、zip)",
    "fixed": "修正版(すべて、zip)",
    "originals": "提出されたファイル(最新の版、zip)",
    "rollover": "翌年度の様式(zip)",
    "new-year": "新しい年度の開始",
}
# what an earlier year's page offers too: downloads made from its latest uploads (its stored
# results are not checked again: `_run` rechecks only the current year's)
EARLIER_YEAR_KINDS = ("summary", "csv", "marked", "fixed", "originals")


def start_job(store: Store, cache: SummaryCache, kind: str, year: int | None = None) -> int:
    """Start a job of `kind` for `year` (the current one by default; an earlier year only for
    EARLIER_YEAR_KINDS); its id (the status page's)."""
    year = store.year if year is None else year
    if year != store.year and kind not in EARLIER_YEAR_KINDS:
        raise ValueError(f"{kind} is not for an earlier year")
    if kind == "recheck":
        total = len(stale_uploads(store, year))
    else:
        total = len(latest_uploads(store, year))
    job_id = store.new_job(kind, total)
    thread = threading.Thread(
        target=_run, args=(store, cache, job_id, kind, year), name=f"job-{job_id}", daemon=True
    )
    thread.start()
    return job_id


def job_folder(store: Store, job_id: int) -> Path:
    """Where a job leaves its download (and rollover its report, result.json)."""
    return store.work / f"job-{job_id}"


def rollover_report(store: Store, job_id: int) -> list[dict[str, Any]] | None:
    """The rows of a rollover or new-year job's report (rollover_report), None for others."""
    kept = job_folder(store, job_id) / "result.json"
    if not kept.is_file():
        return None
    report: list[dict[str, Any]] | None = json.loads(kept.read_text(encoding="utf-8")).get("report")
    return report


def _run(store: Store, cache: SummaryCache, job_id: int, kind: str, year: int) -> None:
    folder = job_folder(store, job_id)
    folder.mkdir(parents=True, exist_ok=True)

    def progress(done: int) -> None:
        store.update_job(job_id, done=done)

    try:
        if kind != "recheck" and year == store.year:  # an earlier year keeps its results
            recheck_stale(store, cache, year)
        output, name, message = RUNNERS[kind](store, cache, year, folder, progress)
    except LayoutError as exc:  # a layout file the work needs has a mistake
        message = (
            f"様式定義(レイアウトファイル)に誤りがあるため、できませんでした。{exc}。"
            "ファイルを直してからもう一度実行してください。"
        )
        store.update_job(job_id, state="failed", message=message, finished=now())
    except XlsxsheetError as exc:
        store.update_job(job_id, state="failed", message=str(exc), finished=now())
    except Exception as exc:  # shown on the status page, never a dead thread with no word
        traceback.print_exc()
        store.update_job(
            job_id,
            state="failed",
            message=f"処理中に予期しないエラーが起きました({type(exc).__name__}: {exc})。",
            finished=now(),
        )
    else:
        relative = str(output.relative_to(store.work)) if output is not None else None
        store.update_job(
            job_id,
            state="done",
            output=relative,
            download_name=name,
            message=message,
            finished=now(),
        )


def _recheck(
    store: Store, cache: SummaryCache, year: int, folder: Path, progress: Progress
) -> Made:
    """The year's uploads checked with other layouts, checked again; their states now."""
    ids = {u.id for u in stale_uploads(store, year)}
    done = recheck(store, cache, [u for u in store.uploads(year) if u.id in ids], progress)
    current = default_registry().fingerprint()
    states = Counter(
        u.state for u in store.uploads(year) if u.id in ids and u.checked_with == current
    )
    counted = "、".join(f"{state} {states[state]} 件" for state in STATES[1:] if states[state])
    message = f"{done.checked} 件の提出を現在の様式定義で点検し直しました({counted or 'なし'})。"
    if done.kept:
        message += (
            f"{done.kept} 件は様式定義(レイアウトファイル)に誤りがあるため点検できず、"
            "前の点検結果のままです。レイアウトファイルを直してからもう一度実行してください。"
        )
    return None, "", message


def _summary(
    store: Store, cache: SummaryCache, year: int, folder: Path, progress: Progress
) -> Made:
    from xlsxsheet.office.collect import write_summary_workbook

    found = collection(store, cache, year, values=False, progress=progress, other_years=False)
    out = write_summary_workbook(found, folder / "集計.xlsx")
    message = f"{len(found.kept)} 件の提出を集計しました。"
    return out, f"集計_{long_label(year)}.xlsx", message + _not_summed(found, store, year)


def _csv(store: Store, cache: SummaryCache, year: int, folder: Path, progress: Progress) -> Made:
    from xlsxsheet.office.collect import without_values, write_tidy_csv

    found = collection(store, cache, year, values=True, progress=progress, other_years=False)
    out = write_tidy_csv(found, folder / "集計.csv")
    empty = len(without_values(found))
    message = f"{len(found.kept) - empty} 件の提出の値を書き出しました。"
    if empty:
        message += f"何も記入されていない提出 {empty} 件には書き出す値がありません。"
    return out, f"集計_{long_label(year)}.csv", message + _not_summed(found, store, year)


def _not_summed(found: Collection, store: Store, year: int) -> str:
    """What a summary leaves out, said after its count: the returns of another evaluation
    year (年度違い), those that could not be read now."""
    broken = sum(layout_broken(r) for r in found.results)
    unreadable = sum(not r.readable for r in found.results) - broken
    said = ""
    if broken:
        said += (
            f"様式定義(レイアウトファイル)の誤りでいま点検できない提出 {broken} 件は入っていません"
            "(全体の状況のページに誤りの場所があります。直してからもう一度実行してください)。"
        )
    if unreadable:
        said += f"読めない提出 {unreadable} 件は入っていません。"
    return (
        _other_years(of_other_years(counted_uploads(store, year)), year, "集計していません") + said
    )


def _other_years(uploads: list[Upload], year: int, what: str = "入れていません") -> str:
    """The returns of another evaluation year than `year` a job leaves out, said (`what`:
    入れていません, 集計していません)."""
    if not uploads:
        return ""
    years = "・".join(long_label(y) for y in sorted({u.file_year for u in uploads if u.file_year}))
    return (
        f"年度違いの提出({years}の様式) {len(uploads)} 件は{what}(全体の状況では状態"
        f"「年度違い」と表示しています。{long_label(year)}の様式で提出し直されれば入ります)。"
    )


def _marked(store: Store, cache: SummaryCache, year: int, folder: Path, progress: Progress) -> Made:
    from xlsxsheet.copies.marked import annotated_name, can_annotate, try_write_annotated

    uploads = counted_uploads(store, year)
    results, _names = summaries(store, cache, uploads)
    out = folder / "点検結果.zip"
    written, other_years = 0, 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, (upload, result) in enumerate(zip(uploads, results, strict=True), 1):
            path = store.blob_path(upload)
            if result.readable and can_annotate(path) and (result.errors or result.warnings):
                problems = as_sent(result.problems, path, upload.original_name)
                marked = try_write_annotated(path, problems, folder / f"{upload.id}.xlsx")
                if marked is not None:
                    name = annotated_name(Path(safe_workbook_name(upload.original_name)))
                    archive.write(marked, _arcname(upload, name))
                    marked.unlink()
                    written += 1
                    other_years += upload.wrong_year
            progress(n)
    message = f"問題のある提出 {written} 件の写しです。"
    if other_years:  # kept: its copy tells its 課 to send this year's (the desk's error)
        message += (
            f"うち年度違いの提出 {other_years} 件の写しには、{long_label(year)}の様式で"
            "提出し直すようにと書いてあります。"
        )
    message += _elsewhere(store, year)
    return out, f"点検結果_{long_label(year)}.zip", message


def _fixed(store: Store, cache: SummaryCache, year: int, folder: Path, progress: Progress) -> Made:
    """The corrected copy of each latest upload with something to correct (as its result page
    offers it), checked again from the file as sent and corrected by `xlsxsheet fix`'s job."""
    from xlsxsheet.office.fixing import errors_left, fix_path

    uploads, other_years = _of_the_year(counted_uploads(store, year))
    out = folder / "修正版.zip"
    written, left, failed = 0, 0, []
    registry = default_registry()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, upload in enumerate(uploads, 1):
            if upload.result.get("can_fix"):
                name = fixed_name(safe_workbook_name(upload.original_name))
                scratch = folder / f"{upload.id}{Path(name).suffix}"
                try:
                    checked = fix_path(store.blob_path(upload), scratch, registry=registry)
                except XlsxsheetError:
                    failed.append(f"{upload.dept} {upload.original_name}")
                else:
                    archive.write(scratch, _arcname(upload, name))
                    scratch.unlink()
                    written += 1
                    left += errors_left(checked) > 0
            progress(n)
    if not written and not failed:  # an empty zip to download helps no one
        out.unlink()
        message = "自動で直せるもの(計算式の上書き・数値の表記など)のある提出はありません。"
        return None, "", message + _other_years(other_years, year)
    message = f"自動で直せるものがあった提出 {written} 件の修正版です。"
    if left:
        message += f"うち {left} 件には手で直すエラーが残っています(各課の点検結果を参照)。"
    if failed:
        message += f"修正版を作れなかった提出: {'、'.join(failed)}。"
    message += _other_years(other_years, year)
    return out, f"修正版_{long_label(year)}.zip", message + _elsewhere(store, year)


def _of_the_year(uploads: list[Upload]) -> tuple[list[Upload], list[Upload]]:
    """The uploads a zip of the year's returns holds, and those of another evaluation year
    (年度違い) it leaves out."""
    other_years = of_other_years(uploads)
    left_out = {u.id for u in other_years}
    return [u for u in uploads if u.id not in left_out], other_years


def _elsewhere(store: Store, year: int) -> str:
    """What a zip of the counted uploads leaves out, said: the uploads of a 施策 the roster
    gives to another 課 (collect run on the zip would take one for that 施策's return)."""
    left_out = len(latest_uploads(store, year)) - len(counted_uploads(store, year))
    if not left_out:
        return ""
    return (
        f"名簿では別の課が担当する施策を提出したもの {left_out} 件は入れていません"
        "(集計にも使っていません。全体の状況のページに一覧があります)。"
    )


def _arcname(upload: Upload, name: str) -> str:
    """Where a zip of the year's uploads puts one of them: its 課's folder, 第N版_ its name."""
    return f"{safe_file_name(upload.dept).removesuffix('.xlsx')}/第{upload.version}版_{name}"


def _originals(
    store: Store, cache: SummaryCache, year: int, folder: Path, progress: Progress
) -> Made:
    """Each 課's latest upload of each 施策 as it was sent (the files `collect` would be given:
    those the desk counts), by 課 and version: for batch work on the command line, or a copy
    kept elsewhere."""
    uploads, other_years = _of_the_year(counted_uploads(store, year))
    if not uploads:
        message = (
            f"{long_label(year)}の提出はまだありません。"
            if other_years
            else "提出はまだありません。"
        )
        message += _other_years(other_years, year)
        return None, "", message + _elsewhere(store, year)
    out = folder / "提出.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, upload in enumerate(uploads, 1):
            name = safe_workbook_name(upload.original_name)
            archive.write(store.blob_path(upload), _arcname(upload, name))
            progress(n)
    message = f"各課の最新の提出 {len(uploads)} 件を、送られたままの内容で入れました。"
    message += _other_years(other_years, year)
    return out, f"提出_{long_label(year)}.zip", message + _elsewhere(store, year)


def _rollover(
    store: Store,
    cache: SummaryCache,
    year: int,
    folder: Path,
    progress: Progress,
    new_year: bool = False,
) -> Made:
    from xlsxsheet.office.rollover import rollover
    from xlsxsheet.web.desk_params import rollover_params
    from xlsxsheet.web.rollover_report import desk_totals, report_rows
    from xlsxsheet.web.views import DESK_TEMPLATE_PATTERN

    uploads = counted_uploads(store, year)
    templates = folder / "様式"
    entries = roster_entries(store, year)  # a row of a layout without a key: by 様式 alone
    # each template named as its 課 downloads it from its page (様式_番号_課_年度), not as the
    # command line names it (課_番号_年度): the zip's files and the downloads are alike
    result = rollover(
        [store.blob_path(u) for u in uploads],
        year + 1,
        templates,
        entries or None,
        pattern=DESK_TEMPLATE_PATTERN,
        jobs=1,
        params=rollover_params(store, default_registry()),  # the office's 様式の設定
    )
    progress(len(uploads))
    out = folder / "翌年度の様式.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in result.written:
            assert item.output is not None
            archive.write(item.output, item.output.relative_to(templates).as_posix())
    # each return named as the office knows it, not by its stored hash name (the paths first)
    names = {str(store.blob_path(u)): display_name(u) for u in uploads}
    names |= {Path(u.blob).name: display_name(u) for u in uploads}
    rows = report_rows(result, names, blank_later=new_year)
    (folder / "result.json").write_text(
        json.dumps(
            {
                "written": {
                    f"{item.layout}|{item.key or ''}": item.output.relative_to(templates).as_posix()
                    for item in result.written
                    if item.output is not None
                },
                "report": rows,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    message = f"{desk_totals(result, rows)}。各行の内容は下の表のとおりです。"
    if not result.written:  # an empty zip to download helps no one
        out.unlink()
        return None, "", message
    return out, f"様式_{long_label(year + 1)}.zip", message


def _new_year(
    store: Store, cache: SummaryCache, year: int, folder: Path, progress: Progress
) -> Made:
    """Next year's templates made and kept for the departments; the roster carried over."""
    out, name, message = _rollover(store, cache, year, folder, progress, new_year=True)
    kept = store.root / "years" / str(year + 1)
    if kept.exists():
        shutil.rmtree(kept)
    made = folder / "様式"
    if made.is_dir():
        shutil.copytree(made, kept / "様式")
    else:  # no template carried anything: each is made blank when its 課 downloads it
        (kept / "様式").mkdir(parents=True)
    written = json.loads((folder / "result.json").read_text(encoding="utf-8"))["written"]
    store.set_setting(
        f"templates_{year + 1}",
        json.dumps(
            {k: f"years/{year + 1}/様式/{v}" for k, v in written.items()},
            ensure_ascii=False,
        ),
    )
    rows = [dict(r) for r in store.roster(year)]
    store.replace_roster(
        year + 1,
        [
            {k: r[k] for k in ("line", "layout", "key", "dept", "file_name")} | {"new": 0}
            for r in rows
        ],
    )
    store.set_setting("year", str(year + 1))
    started = f"{long_label(year + 1)}を開始しました。"
    registry = default_registry()

    def matched(layout: str, key: str) -> tuple[str, str]:
        return layout, matched_as(key, registry.get(layout).key_field is not None)

    carried = {matched(*k.split("|", 1)) for k in written}  # each template made from a return
    empty = [r for r in rows if matched(r["layout"], r["key"]) not in carried]
    if empty:  # the report's 「提出がありません」 lines, said for a desk that has moved on
        started += (
            f"名簿の {len(empty)} 行は今年度の使える提出がなかったため、引き継ぐ内容がありません。"
            "その施策の様式は、各課がダウンロードするときに施策番号・担当課だけを記入した空の様式に"
            "なります。"
        )
    return out, name, f"{started}\n{message}"


RUNNERS = {
    "recheck": _recheck,
    "summary": _summary,
    "csv": _csv,
    "marked": _marked,
    "fixed": _fixed,
    "originals": _originals,
    "rollover": _rollover,
    "new-year": _new_year,
}
