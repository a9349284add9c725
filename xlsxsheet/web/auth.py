"""Who is signed in and what they may see: every permission of the service, in one place.

A department signs in with its access code, the central office with the admin password; both
are stored only as scrypt hashes. The session cookie (signed, HttpOnly, SameSite=Lax) holds the
role, the department and a CSRF token; every POST must send the token back. Failed sign-ins are
counted per account, per account and address, per address and per known browser
(`SignInThrottle`; docs/web.md, "Sign-in and sessions").
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from threading import Lock
from typing import Any, TypeVar

from flask import (
    abort,
    after_this_request,
    current_app,
    g,
    redirect,
    request,
    session,
    url_for,
)
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import BadRequest, TooManyRequests

from xlsxsheet.web.store import Store, Upload

F = TypeVar("F")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def make_code(length: int = 12) -> str:
    """An access code to print once: 12 letters and digits, in groups of four."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, **SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    computed = hashlib.scrypt(secret.encode(), salt=bytes.fromhex(salt), **SCRYPT)
    return hmac.compare_digest(computed.hex(), digest)


def fold_code(code: str) -> str:
    """An access code as compared: any case, hyphens, spaces and full-width forms ignored."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", code).split()).replace("-", "").upper()


def hash_code(code: str) -> str:
    return hash_secret(fold_code(code))


def verify_code(code: str, stored: str) -> bool:
    return verify_secret(fold_code(code), stored)


@dataclass(frozen=True)
class User:
    """The signed-in user: the admin, or one department."""

    role: str  # "admin" | "dept"
    dept_id: int | None = None
    dept: str | None = None

    @property
    def admin(self) -> bool:
        return self.role == "admin"


ADMIN_LABEL = "企画担当(管理者)"
DEVICE_COOKIE = "xlsxsheet_device"
DEVICE_DAYS = 400  # the longest a browser keeps a cookie; refreshed at every sign-in
DEVICE_ACCOUNTS = 8  # accounts one browser is remembered for (a shared PC)


@dataclass(frozen=True)
class Limits:
    """Failed sign-ins allowed within `window` seconds before sign-in is refused (429)."""

    device: int = 10  # from a browser that signed in as the account before, for that account
    account_address: int = 10  # from other browsers, for one account, from one address
    account: int = 50  # from other browsers, for one account, from every address together
    address: int = 100  # from other browsers, for any account, from one address
    window: float = 600


@dataclass(frozen=True)
class Attempt:
    """One sign-in as the throttle sees it."""

    address: str
    account: str | None  # "admin" or a department's id; None when the form names neither
    device: str | None = None  # this browser's token for the account (it signed in as it before)


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused: which count reached its limit, and for how many seconds."""

    reason: str  # "account-address" | "account" | "address"
    attempt: Attempt
    limit: int
    window: float
    seconds: float


class SignInThrottle:
    """Failed sign-ins counted in sliding windows; an attempt over a limit is refused before its
    secret is checked, so a refusal says nothing of whether it was right.

    A browser that signed in as an account before (a signed token per account in its device
    cookie) is counted on its own: other browsers' failures, however many, never close that
    account to it, nor does its address being over the limit. Other browsers are counted per
    (account, address), per account, and per address. Kept in memory: a restart forgets.
    """

    def __init__(
        self, limits: Limits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or Limits()
        self.clock = clock
        self.failures: dict[tuple[str, ...], deque[float]] = {}
        self.lock = Lock()

    def _wait(self, key: tuple[str, ...], limit: int, now: float) -> float | None:
        """Seconds until `key` has fewer than `limit` failures; None when it has now."""
        times = self.failures.get(key)
        while times and now - times[0] >= self.limits.window:
            times.popleft()
        if not times or len(times) < limit:
            return None
        return times[len(times) - limit] + self.limits.window - now

    def _trusted(self, attempt: Attempt, now: float) -> bool:
        if attempt.device is None:
            return False
        return self._wait(("device", attempt.device), self.limits.device, now) is None

    def refusal(self, attempt: Attempt) -> Refusal | None:
        """Why this attempt may not be tried now, or None when it may."""
        limits = self.limits
        with self.lock:
            now = self.clock()
            if self._trusted(attempt, now):
                return None
            counts: list[tuple[str, tuple[str, ...], int]] = []
            if attempt.account is not None:
                counts.append(
                    (
                        "account-address",
                        ("account-address", attempt.account, attempt.address),
                        limits.account_address,
                    )
                )
                counts.append(("account", ("account", attempt.account), limits.account))
            counts.append(("address", ("address", attempt.address), limits.address))
            for reason, key, limit in counts:
                wait = self._wait(key, limit, now)
                if wait is not None:
                    return Refusal(reason, attempt, limit, limits.window, wait)
        return None

    def record_failure(self, attempt: Attempt) -> None:
        with self.lock:
            now = self.clock()
            keys: list[tuple[str, ...]] = [("address", attempt.address)]
            if self._trusted(attempt, now):
                keys.append(("device", str(attempt.device)))
            elif attempt.account is not None:
                keys.append(("account-address", attempt.account, attempt.address))
                keys.append(("account", attempt.account))
            for key in keys:
                self.failures.setdefault(key, deque()).append(now)
            if len(self.failures) > 10_000:  # bounded: forget what aged out, then the oldest
                for key in [
                    k
                    for k, times in self.failures.items()
                    if not times or now - times[-1] >= self.limits.window
                ]:
                    del self.failures[key]
                for key in list(self.failures)[: max(0, len(self.failures) - 5_000)]:
                    del self.failures[key]

    def forget_device(self, device: str) -> None:
        """A browser that signed in: its own failures are forgotten."""
        with self.lock:
            self.failures.pop(("device", device), None)

    def forget_account(self, account: str) -> None:
        """A new code issued for the account: the failures counted against it are forgotten
        (those of the addresses they came from stay)."""
        with self.lock:
            for key in [k for k in self.failures if len(k) > 1 and k[0].startswith("account")]:
                if key[1] == account:
                    del self.failures[key]

    # What the sign-in view calls: the address given, the account and browser of the request.
    def check(self, address: str) -> None:
        """Before checking the secret: 429, saying which account or address and until when."""
        refused = self.refusal(attempt_of_request(address))
        if refused is not None:
            raise SignInRefused(refused)

    def failed(self, address: str) -> None:
        self.record_failure(attempt_of_request(address))


def throttle() -> SignInThrottle:
    return current_app.extensions["xlsxsheet_throttle"]


def _department_of(account: str | None) -> Any:
    """The department an account names ("3"), or None (the admin, or no such 課)."""
    if not account or not account.isdigit() or len(account) > 9:
        return None
    return store().department(int(account))


def attempt_of_request(address: str) -> Attempt:
    """The sign-in form's account (the 課 chosen, or the admin) and this browser's token for it."""
    who = request.form.get("who", "")
    account = who if who == "admin" or _department_of(who) is not None else None
    return Attempt(address, account, device_tokens().get(account) if account else None)


def account_label(account: str | None) -> str:
    if account == "admin":
        return ADMIN_LABEL
    row = _department_of(account)
    return str(row["name"]) if row is not None else "(不明な課)"


class SignInRefused(TooManyRequests):
    """429: sign-in for an account, or from an address, closed for a while (Retry-After)."""

    def __init__(self, refusal: Refusal) -> None:
        seconds = max(1, math.ceil(refusal.seconds))
        until = f"{datetime.now() + timedelta(seconds=seconds + 59):%H:%M}"  # rounded up
        minutes = math.ceil(seconds / 60)
        window = round(refusal.window / 60)
        account = refusal.attempt.account
        label = account_label(account)
        if refusal.reason == "address":
            super().__init__(
                "このネットワークからのサインインを、しばらく受け付けません。",
                retry_after=seconds,
            )
            self.details = [
                f"このアドレス({refusal.attempt.address})からのサインインの失敗が{window}分間に"
                f"{refusal.limit}回に達したため、{until}ごろまで(あと約{minutes}分)、"
                "このブラウザではサインインを受け付けません。",
                "前にその課(または管理者)でサインインしたことのあるブラウザからは、いまも"
                "サインインできます。何度も続くときは、システム担当に知らせてください。",
            ]
        else:
            where = (
                f"このアドレス({refusal.attempt.address})から"
                if refusal.reason == "account-address"
                else "複数のアドレスから"
            )
            super().__init__(
                f"{label}へのサインインを、しばらく受け付けません。", retry_after=seconds
            )
            forgot = (
                "パスワードが分からないときは、提出窓口を動かしている担当者が設定し直せます"
                "(xlsxsheet serve --admin-password)。"
                if account == "admin"
                else "アクセスコードが分からないときは、企画担当に新しいコードを発行してもらって"
                "ください。"
            )
            self.details = [
                f"{where}{label}へのサインインの失敗が{window}分間に{refusal.limit}回続いたため、"
                f"{until}ごろまで(あと約{minutes}分)、"
                + ("このアドレスの" if refusal.reason == "account-address" else "")
                + f"ほかのブラウザからの{label}へのサインインを受け付けません。",
                f"{until}を過ぎてから、もう一度やり直してください。{forgot}"
                + (
                    "新しいコードを発行すると、すぐにサインインできます。"
                    if account != "admin"
                    else ""
                ),
                f"前に{label}でサインインしたことのあるブラウザからは、いまもサインインできます。"
                "ほかの課のサインインは止まっていません。",
            ]
        self.action = (
            url_for("web.sign_in", next=request.args.get("next") or None, who=account or None),
            "サインインの画面へ戻る",
        )


# --- the device cookie: the accounts this browser signed in as ---------------------------
def _devices() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="xlsxsheet-device")


def device_tokens() -> dict[str, str]:
    """This browser's token per account it signed in as (signed; last signed-in last)."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return {}
    try:
        value = _devices().loads(raw)
    except BadSignature:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(account): str(token) for account, token in value.items()}


def trust_this_browser(account: str) -> None:
    """After a sign-in: remember this browser for the account (its failures counted apart)."""
    tokens = device_tokens()
    token = tokens.pop(account, None) or secrets.token_urlsafe(16)
    throttle().forget_device(token)
    tokens[account] = token
    value = _devices().dumps(dict(list(tokens.items())[-DEVICE_ACCOUNTS:]))
    path = url_for("web.sign_in")

    @after_this_request
    def remember(response: Any) -> Any:
        response.set_cookie(
            DEVICE_COOKIE,
            value,
            max_age=DEVICE_DAYS * 86400,
            path=path,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
        return response


def chosen_account() -> str:
    """The account the sign-in form shows chosen: the one just tried, the one asked for
    (`?who=`), else the one this browser last signed in as."""
    if request.method == "POST":
        return request.form.get("who", "")
    return request.args.get("who", "") or next(reversed(device_tokens()), "")


def store() -> Store:
    return current_app.extensions["xlsxsheet_store"]


def current_user() -> User | None:
    """The user of this request, checked against the database (a reset code ends sessions)."""
    if "user" in g:
        return g.user
    user = None
    role = session.get("role")
    if role == "admin" and session.get("admin_version") == store().setting("admin_version"):
        user = User("admin")
    elif role == "dept":
        row = store().department(int(session.get("dept_id", 0)))
        if row is not None and row["code_version"] == session.get("code_version"):
            user = User("dept", row["id"], row["name"])
    g.user = user
    return user


def sign_in_department(row: Any) -> None:
    session.clear()
    session.update(role="dept", dept_id=row["id"], code_version=row["code_version"])
    session["csrf"] = secrets.token_urlsafe(32)
    trust_this_browser(str(row["id"]))


def sign_in_admin() -> None:
    session.clear()
    session.update(role="admin", admin_version=store().setting("admin_version"))
    session["csrf"] = secrets.token_urlsafe(32)
    trust_this_browser("admin")


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


SIGN_IN_NOTICES = {  # ?why= on the sign-in page: fixed texts, nothing of the request echoed
    "upload": "サインインが切れていたため(ブラウザを閉じた、サインアウトした、アクセスコードが"
    "新しくなった など)、送ったファイルは受け付けていません。サインインし直して、もう一度"
    "ファイルを選んで送ってください。",
    "expired": "サインインが切れていたため(ブラウザを閉じた、サインアウトした、アクセスコードが"
    "新しくなった など)、送信は受け付けていません。サインインし直して、もう一度操作して"
    "ください。",
    "signin": "サインインの画面を開いてから時間がたっていたため、受け付けませんでした。"
    "もう一度アクセスコード(パスワード)を入れてサインインしてください。",
}


def sign_in_notice() -> str | None:
    """The notice the sign-in page opens with, when a refused POST sent the browser there."""
    if request.method == "POST":
        return None
    return SIGN_IN_NOTICES.get(request.args.get("why", ""))


def return_to() -> tuple[str | None, str | None]:
    """Where a refused POST's form was, to come back to after signing in, and whose it was:
    the 課's page (and the 課) or the office's page (and the admin)."""
    if request.path.startswith("/admin"):
        return url_for("web.office"), "admin"
    dept = (request.view_args or {}).get("dept_id")
    if dept is not None:
        return url_for("web.department", dept_id=dept), str(dept)
    return None, None


def sign_in_again(why: str) -> str:
    """The sign-in page that tells why, returns to where the refused POST's form was."""
    page, account = return_to()
    return url_for("web.sign_in", next=page, who=account, why=why)


def _sent_a_file() -> bool:
    return any(sent.filename for sent in request.files.values())


class FormExpired(BadRequest):
    """400: a form drawn for an earlier sign-in of this browser (its CSRF token is not this
    session's), sent while the browser is signed in again, perhaps as another 課."""

    def __init__(self, user: User, file: bool) -> None:
        now = ADMIN_LABEL if user.admin else f"「{user.dept}」"
        super().__init__("フォームの有効期限が切れました。")
        self.details = [
            "このページを開いた後に、このブラウザの別のタブかウィンドウでサインインし直したため"
            f"(いまは{now}としてサインインしています)、このページのフォームは使えなくなりました。"
            + ("送ったファイルは受け付けていません。" if file else "送信は受け付けていません。"),
            "サインインし直して、もう一度ファイルを選んで送ってください。"
            if file
            else "サインインし直して、もう一度操作してください。",
        ]
        self.action = (sign_in_again("upload" if file else "expired"), "サインインし直す")


def check_csrf() -> Any:
    """Before every request: a POST without the session's token is refused, and nothing done.

    A browser no longer signed in (its session ended) is sent to the sign-in page, told why and
    returned to its page after; one signed in again since the form was drawn gets 400, told so.
    """
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    sent = request.form.get("csrf", "") or request.headers.get("X-CSRF-Token", "")
    expected = session.get("csrf", "")
    if expected and hmac.compare_digest(str(sent), str(expected)):
        return None
    if request.endpoint == "web.sign_in":  # the sign-in page left open past its session
        chosen = request.form.get("who") or None
        next_page = request.args.get("next") or None
        return redirect(url_for("web.sign_in", next=next_page, who=chosen, why="signin"))
    user = current_user()
    if user is None and request.endpoint == "web.sign_out":
        return redirect(url_for("web.sign_in"))  # signed out already: what was asked
    if user is None:
        return redirect(sign_in_again("upload" if _sent_a_file() else "expired"))
    raise FormExpired(user, _sent_a_file())


def signed_in(view: Any) -> Any:
    """A view for any signed-in user; others go to the sign-in page."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return _to_sign_in()
        return view(*args, **kwargs)

    return wrapper


def admin_only(view: Any) -> Any:
    """A view of the central office: a department gets 403."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = current_user()
        if user is None:
            return _to_sign_in()
        if not user.admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _to_sign_in() -> Any:
    """To the sign-in page, back here after; a POST back to its form's page (not a POST URL)."""
    if request.method == "GET":
        return redirect(url_for("web.sign_in", next=request.path))
    return redirect(sign_in_again("upload" if _sent_a_file() else "expired"))


def may_see_department(user: User, dept_id: int) -> bool:
    return user.admin or user.dept_id == dept_id


def readable_upload(upload_id: int) -> Upload:
    """The upload, if this user may read it: 404 when there is none, 403 when not theirs."""
    user = current_user()
    if user is None:
        abort(401)
    upload = store().upload(upload_id)
    if upload is None:
        abort(404)
    if not may_see_department(user, upload.dept_id):
        abort(403)
    return upload


def department_for(dept_id: int) -> Any:
    """The department row, if this user may see it (403 otherwise)."""
    user = current_user()
    if user is None:
        abort(401)
    if not may_see_department(user, dept_id):
        abort(403)
    row = store().department(dept_id)
    if row is None:
        abort(404)
    return row
