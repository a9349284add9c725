"""The `serve` command: 提出窓口, the web service departments upload their returns to."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import click

from xlsxsheet.cli.common import FiscalYear, friendly
from xlsxsheet.cli.templates_option import templates_option


@click.command("serve")
@click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    help="提出・データベースを置くフォルダ(なければ作ります)",
)
@click.option(
    "--roster",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="名簿CSV(様式,施策番号,担当課[,ファイル名][,区分])。課ごとのアクセスコードを作ります",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="待ち受けるアドレス")
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="待ち受けるポート番号",
)
@click.option(
    "--admin-password",
    envvar="XLSXSHEET_ADMIN_PASSWORD",
    help="管理者のパスワード(環境変数 XLSXSHEET_ADMIN_PASSWORD でも可。省略時は初回に作って表示)",
)
@click.option(
    "--year", type=FiscalYear(), help="受け付ける評価年度(既定: 前回の設定、初回は前年度)"
)
@click.option(
    "--max-upload-mb",
    default=20,
    show_default=True,
    type=click.IntRange(1, 64),
    help="1回に提出できるファイルの大きさの上限(MB)",
)
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 64),
    help="同時に処理する要求の数",
)
@click.option(
    "--trusted-proxies",
    type=click.IntRange(0, 8),
    default=None,
    help="前に置いたリバースプロキシの段数。その X-Forwarded-For の送信元を使う"
    "(既定: 環境変数 XLSXSHEET_TRUSTED_PROXIES、なければ 0 = 使わない)",
)
@click.option("--demo", is_flag=True, help="同梱の例を読み込んだ体験用の窓口を開き、ブラウザで表示")
@click.option("--no-browser", is_flag=True, help="--demo でブラウザを開かない")
@templates_option
@friendly
def serve_command(
    data: Path | None,
    roster: Path | None,
    host: str,
    port: int,
    admin_password: str | None,
    year: int | None,
    max_upload_mb: int,
    threads: int,
    trusted_proxies: int | None,
    demo: bool,
    no_browser: bool,
) -> None:
    """提出窓口(ブラウザから提出・点検・集計)を起動 / serve the returns desk on the intranet."""
    from waitress import serve

    from xlsxsheet.core.errors import UsageError
    from xlsxsheet.web import create_app

    if data is None and not demo:
        raise UsageError("--data で提出を置くフォルダを指定してください(体験するときは --demo)。")
    if demo:
        from xlsxsheet.web.demo import DEMO_PASSWORD, DEMO_YEAR, load_demo

        data = data or Path(tempfile.mkdtemp(prefix="xlsxsheet-demo-"))
        roster = roster or load_demo_roster(data)
        admin_password = admin_password or DEMO_PASSWORD
        year = year or DEMO_YEAR
    assert data is not None
    app = create_app(
        data, roster, admin_password, year, max_upload_mb, trusted_proxies=trusted_proxies
    )
    startup = app.extensions["xlsxsheet_startup"]
    if demo:
        load_demo(app, startup.codes)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    click.echo(f"提出窓口: {url}  (データ: {data})", err=True)
    click.echo(desk_summary(app.extensions["xlsxsheet_store"]), err=True)
    if startup.admin_password:
        click.echo(f"管理者のパスワード(この一度だけ表示): {startup.admin_password}", err=True)
    elif demo:
        click.echo(f"管理者のパスワード: {admin_password}", err=True)
    if startup.codes:
        click.echo(
            "課ごとのアクセスコード(この一度だけ表示。控えて各課に配ってください):", err=True
        )
        for dept, code in startup.codes.items():
            click.echo(f"  {dept}\t{code}", err=True)
    if demo and not no_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, (url,)).start()
    click.echo("止めるには Ctrl+C を押してください。", err=True)
    serve(app, host=host, port=port, threads=threads, ident="xlsxsheet")


def load_demo_roster(data: Path) -> Path:
    from xlsxsheet.web.demo import write_demo_roster

    return write_demo_roster(Path(data))


def desk_summary(store: Any) -> str:
    """One line said at start: the year taken, and how much of a roster the desk holds (so an
    office sees that its CSV was read whole: rows, 課)."""
    from xlsxsheet.core.fiscal_year import long_label

    rows = store.roster(store.year)
    departments = {row["dept"] for row in rows if row["dept"]}
    return (
        f"受け付ける年度: {long_label(store.year)}  名簿: {len(rows)} 行(担当課 {len(departments)})"
    )
