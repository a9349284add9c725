"""The app factory of 提出窓口: Flask, its settings, its departments and security headers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from xlsxsheet.web.auth import (
    SignInThrottle,
    check_csrf,
    csrf_token,
    current_user,
    hash_code,
    make_code,
)
from xlsxsheet.web.office import SummaryCache
from xlsxsheet.web.store import Store

MAX_UPLOAD_MB = 20
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
) -> Flask:
    """The service over the --data folder; `app.extensions["xlsxsheet_startup"]` says what
    to print (codes and password made now, shown only this once)."""
    from xlsxsheet.web import office_views, views  # noqa: F401  (routes on the blueprint)
    from xlsxsheet.web.setup import load_roster, set_admin_password, set_year

    store = Store(Path(data))
    store.interrupt_jobs()
    startup = Startup()
    set_year(store, year)
    if roster is not None:
        load_roster(store, Path(roster))
    startup.admin_password = set_admin_password(store, admin_password)
    for dept in sorted({row["dept"] for row in store.roster(store.year) if row["dept"]}):
        if store.department_named(dept) is None:
            code = make_code()
            if store.add_department(dept, hash_code(code)):
                startup.codes[dept] = code

    app = Flask(__name__, static_folder="static", template_folder="templates")
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
    app.jinja_env.globals.update(csrf_token=csrf_token, current_user=current_user)

    @app.after_request
    def security_headers(response):  # type: ignore[no-untyped-def]
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        return render_template("error.html", status=exc.code, message=_message(exc)), exc.code

    return app


ERROR_MESSAGES = {
    400: "リクエストを受け付けられませんでした。",
    401: "サインインしてください。",
    403: "このページを見る権限がありません。各課が見られるのは自分の課の提出だけです。",
    404: "ページが見つかりません。",
    405: "この操作はできません。",
    413: "ファイルが大きすぎます。",
    429: "サインインの失敗が続いたため、しばらく受け付けません。10分ほど待ってからやり直してください。",
}


def _message(exc: HTTPException) -> str:
    if exc.code == 413:
        from flask import current_app

        return f"ファイルが大きすぎます({current_app.config['MAX_UPLOAD_MB']} MB まで)。様式のブックを送ってください。"
    if exc.code == 400 and exc.description and not exc.description.startswith("The browser"):
        return exc.description
    return ERROR_MESSAGES.get(exc.code or 500, "エラーが起きました。")
