"""The app factory of 提出窓口: Flask, its settings, its departments and security headers."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, render_template, request, session
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from xlsxsheet.core.errors import UsageError
from xlsxsheet.web.auth import (
    SignInThrottle,
    check_csrf,
    chosen_account,
    csrf_token,
    current_user,
    hash_code,
    make_code,
    sign_in_notice,
)
from xlsxsheet.web.office import SummaryCache
from xlsxsheet.web.store import Store

MAX_UPLOAD_MB = 20
PROXIES_VAR = "XLSXSHEET_TRUSTED_PROXIES"  # reverse proxies in front whose X-Forwarded-For counts
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@dataclass
class Startup:
    """What the factory did that the operator must be told once: new codes, a new password."""

    codes: dict[str, str] = field(default_factory=dict)  # department → its new access code
    admin_password: str | None = None


def create_app(
    data: Path,
    roster: Path | None = None,
    admin_password: str | None = None,
    year: int | None = None,
    max_upload_mb: int = MAX_UPLOAD_MB,
    trusted_proxies: int | None = None,
) -> Flask:
    """The service over the --data folder; `app.extensions["xlsxsheet_startup"]` says what
    to print (codes and password made now, shown only this once). `trusted_proxies` (default
    $XLSXSHEET_TRUSTED_PROXIES, else 0): how many reverse proxies in front of it to believe
    about the client's address (X-Forwarded-For) and scheme (X-Forwarded-Proto)."""
    from xlsxsheet.web import office_views, params_views, views  # noqa: F401  (routes)
    from xlsxsheet.web.setup import load_roster, set_admin_password, set_year

    store = Store(Path(data))
    store.interrupt_jobs()
    startup = Startup()
    set_year(store, year)
    if roster is not None:
        load_roster(store, Path(roster))
    startup.admin_password = set_admin_password(store, admin_password)
    for dept in store.roster_departments(store.year):
        if store.department_named(dept) is None:
            code = make_code()
            if store.add_department(dept, hash_code(code)):
                startup.codes[dept] = code

    app = Flask(__name__, static_folder="static", template_folder="templates")
    proxies = proxies_in_front(trusted_proxies)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    secret, _ = store.setting_once("secret_key", lambda: secrets.token_hex(32))
    app.config.update(
        SECRET_KEY=secret,
        MAX_CONTENT_LENGTH=max_upload_mb * 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=max_upload_mb * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="xlsxsheet_session",
        MAX_UPLOAD_MB=max_upload_mb,
    )
    app.extensions["xlsxsheet_store"] = store
    app.extensions["xlsxsheet_summaries"] = SummaryCache()
    app.extensions["xlsxsheet_startup"] = startup
    app.extensions["xlsxsheet_throttle"] = SignInThrottle()
    app.register_blueprint(views.bp)
    app.before_request(check_csrf)
    app.jinja_env.globals.update(
        csrf_token=csrf_token,
        current_user=current_user,
        chosen_account=chosen_account,
        sign_in_notice=sign_in_notice,
    )

    @app.after_request
    def security_headers(response):  # type: ignore[no-untyped-def]
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if request.endpoint != "static":  # pages and downloads alike: kept by no cache
            response.headers["Cache-Control"] = "no-store"
        if request.method == "POST" and session:
            # a changed cookie makes Chromium drop the no-store pages it keeps for Back
            # (bfcache), so Back after an upload loads the page again, never the old one
            session["changes"] = int(session.get("changes", 0)) + 1
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
        return render_template("error.html", **_error_page(exc)), exc.code, headers

    return app


def proxies_in_front(given: int | None) -> int:
    """How many reverse proxies to trust: given, else $XLSXSHEET_TRUSTED_PROXIES, else none."""
    raw = str(given) if given is not None else os.environ.get(PROXIES_VAR, "").strip() or "0"
    if not raw.isdigit() or int(raw) > 5:
        raise UsageError(
            f"{PROXIES_VAR} には、前に置いたリバースプロキシの数(0〜5)を書いてください: {raw!r}"
        )
    return int(raw)


ERROR_MESSAGES = {
    400: "リクエストを受け付けられませんでした。",
    401: "サインインしてください。",
    403: "このページを見る権限がありません。各課が見られるのは自分の課の提出だけです。",
    404: "ページが見つかりません。",
    405: "この操作はできません。",
    413: "ファイルが大きすぎます。",
    429: "サインインの失敗が続いたため、しばらく受け付けません。",
}
SMALLER = [  # what to do with a return over the size limit
    "画像を圧縮する(図を選んで[図の形式]→[図の圧縮]で解像度を下げ、トリミングした部分を削除)",
    "不要なシート(作業用・参考のシート、古い年度のシート)を削除する",
    "貼り付けた写真・図形・グラフを減らす(資料は別に企画担当へ送る)",
    "使っていない行や列を削除する(表の下や右の、書式だけが残った行・列)",
    "古い .xls の形式なら「名前を付けて保存」で Excel ブック(.xlsx)にする",
]


def _error_page(exc: HTTPException) -> dict[str, Any]:
    """What error.html shows: the heading, the paragraphs under it, tips, a link to go on."""
    from flask import current_app

    page: dict[str, Any] = {
        "status": exc.code,
        "message": ERROR_MESSAGES.get(exc.code or 500, "エラーが起きました。"),
        "details": list(getattr(exc, "details", [])),
        "tips": [],
        "action": getattr(exc, "action", None),
    }
    ours = getattr(exc, "details", None) is not None  # raised by the service, in its words
    if ours or (exc.code == 400 and not (exc.description or "").startswith("The browser")):
        page["message"] = exc.description or page["message"]
    elif exc.code == 413:
        limit = current_app.config["MAX_UPLOAD_MB"]
        page["message"] = f"ファイルが大きすぎます({limit} MB まで)。"
        sent = request.content_length or 0
        if sent > limit * 1024 * 1024:
            page["details"].append(
                f"送られたファイルは約 {sent / 1024 / 1024:.1f} MB で、{limit} MB を超えています。"
                "ファイルは受け付けていません。"
            )
        page["tips"] = SMALLER
        page["details"].append(
            "小さくしたブックを Excel で開いて確かめてから、もう一度送ってください。"
            "それでも大きいときは、企画担当に相談してください。"
        )
    return page
