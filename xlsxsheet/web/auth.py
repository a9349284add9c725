"""Who is signed in and what they may see: every permission of the service, in one place.

A department signs in with its access code, the central office with the admin password; both
are stored only as scrypt hashes. The session cookie (signed, HttpOnly, SameSite=Lax) holds the
role, the department and a CSRF token; every POST must send the token back.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import deque
from dataclasses import dataclass
from functools import wraps
from threading import Lock
from typing import Any, TypeVar

from flask import abort, current_app, g, redirect, request, session, url_for

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


class SignInThrottle:
    """At most `limit` failed sign-ins per address in `window` seconds; then 429 until older
    failures age out. Kept in memory: a restart forgets, which an intranet desk can afford."""

    def __init__(self, limit: int = 10, window: float = 600) -> None:
        self.limit, self.window = limit, window
        self.failures: dict[str, deque[float]] = {}
        self.lock = Lock()

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self.failures.setdefault(address, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def check(self, address: str) -> None:
        with self.lock:
            if len(self._recent(address, time.monotonic())) >= self.limit:
                abort(429)

    def failed(self, address: str) -> None:
        with self.lock:
            self._recent(address, time.monotonic()).append(time.monotonic())
            if len(self.failures) > 10_000:  # bounded: forget the quietest addresses
                for key in list(self.failures)[:5_000]:
                    del self.failures[key]


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


def sign_in_admin() -> None:
    session.clear()
    session.update(role="admin", admin_version=store().setting("admin_version"))
    session["csrf"] = secrets.token_urlsafe(32)


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def check_csrf() -> None:
    """Before every request: a POST without the session's token is refused (400)."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    sent = request.form.get("csrf", "") or request.headers.get("X-CSRF-Token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(str(sent), str(expected)):
        abort(
            400,
            "フォームの有効期限が切れました。ページを開き直してから、もう一度送信してください。",
        )


def signed_in(view: Any) -> Any:
    """A view for any signed-in user; others go to the sign-in page."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("web.sign_in", next=request.path))
        return view(*args, **kwargs)

    return wrapper


def admin_only(view: Any) -> Any:
    """A view of the central office: a department gets 403."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = current_user()
        if user is None:
            return redirect(url_for("web.sign_in", next=request.path))
        if not user.admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


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
