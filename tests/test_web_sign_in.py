"""提出窓口's sign-in, in process: failures counted per account, per (account, address), per
address and per known browser; the 課 chosen kept after a failure; X-Forwarded-For only when
configured (docs/web.md, "Sign-in and sessions")."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from itsdangerous import URLSafeSerializer
from web_support import (
    ADMIN_PASSWORD,
    DEPT_A,
    DEPT_B,
    codes,
    dept_id,
    token,
    write_roster,
)

from xlsxsheet.core.errors import UsageError
from xlsxsheet.web import create_app
from xlsxsheet.web.auth import DEVICE_COOKIE, Limits, SignInThrottle

NAT = "10.0.0.1"  # the city's one address, as the service sees every clerk behind it


class Clock:
    """A monotonic clock the test moves on."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_app(tmp_path: Path, clock: Clock, limits: Limits | None = None, **options: Any) -> Any:
    tmp_path.mkdir(parents=True, exist_ok=True)
    app = create_app(
        tmp_path / "data", write_roster(tmp_path / "名簿.csv"), ADMIN_PASSWORD, 2020, **options
    )
    app.config["TESTING"] = True
    app.extensions["xlsxsheet_throttle"] = SignInThrottle(limits, clock)
    return app


@pytest.fixture
def app(tmp_path: Path, clock: Clock) -> Any:
    return make_app(tmp_path, clock)


def browser(app: Any, address: str = NAT, **headers: str) -> Any:
    """A test client standing for one browser at one address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    client.environ_base.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    return client


def account(app: Any, who: str) -> str:
    return "admin" if who == "admin" else str(dept_id(app, who))


def right(app: Any, who: str) -> str:
    return ADMIN_PASSWORD if who == "admin" else codes(app)[who]


def try_sign_in(client: Any, app: Any, who: str, secret: str, query: str = "") -> Any:
    form = {"who": account(app, who), "secret": secret, "csrf": token(client, "/signin" + query)}
    return client.post("/signin" + query, data=form)


def fail(client: Any, app: Any, who: str, times: int = 10) -> None:
    for _ in range(times):
        assert try_sign_in(client, app, who, "WRONG-CODE-0000").status_code == 401


def signs_in(client: Any, app: Any, who: str) -> bool:
    response = try_sign_in(client, app, who, right(app, who))
    assert response.status_code in (302, 429), response.text[:300]
    return response.status_code == 302


def known_browser(app: Any, who: str, address: str = NAT) -> Any:
    """A browser that has signed in as `who` before (and signed out): it holds a device token."""
    client = browser(app, address)
    assert signs_in(client, app, who)
    assert client.post("/signout", data={"csrf": token(client)}).status_code == 302
    return client


def test_a_clerk_mistyping_closes_only_that_課_to_new_browsers_at_that_address(
    app: Any, clock: Clock
) -> None:
    clerk = browser(app)
    fail(clerk, app, DEPT_A)
    refused = try_sign_in(clerk, app, DEPT_A, right(app, DEPT_A))
    assert refused.status_code == 429
    text = refused.text
    assert "<h1>福祉総務課へのサインインを、しばらく受け付けません。" in text
    assert "このアドレス(10.0.0.1)から福祉総務課へのサインインの失敗が10分間に10回続いた" in text
    assert re.search(r"\d\d:\d\dごろまで\(あと約10分\)", text)
    assert "企画担当に新しいコードを発行してもらってください" in text
    assert refused.headers["Retry-After"] == "600"
    assert 'href="/signin?who=1"' in text  # back to the form, the 課 still chosen
    # the rest of the city, behind the same address, signs in as before
    assert signs_in(browser(app), app, DEPT_B)
    assert signs_in(browser(app), app, "admin")
    assert signs_in(browser(app, "10.0.0.2"), app, DEPT_A)  # the 課 itself, from elsewhere
    assert signs_in(known_browser(app, DEPT_A, "10.0.0.3"), app, DEPT_A)
    clock.now += 599
    assert not signs_in(clerk, app, DEPT_A)
    clock.now += 1  # the first failure aged out
    assert signs_in(clerk, app, DEPT_A)


def test_a_department_cannot_lock_the_office_out(app: Any, clock: Clock) -> None:
    office = known_browser(app, "admin")
    clerk = browser(app)
    fail(clerk, app, "admin")
    for _ in range(200):  # refused before the password is checked, and not counted
        refused = try_sign_in(clerk, app, "admin", "guess")
        assert refused.status_code == 429
    assert "企画担当(管理者)へのサインインを、しばらく受け付けません" in refused.text
    assert "(xlsxsheet serve --admin-password)" in refused.text
    assert "前に企画担当(管理者)でサインインしたことのあるブラウザからは、いまも" in refused.text
    assert signs_in(office, app, "admin")  # the office's own browser, at the same address
    assert not signs_in(browser(app), app, "admin")  # a new browser behind the same address
    assert signs_in(browser(app, "10.0.0.9"), app, "admin")  # one at another address
    # from every address together, other browsers get 50 tries; the office's still signs in
    for n in range(2, 6):
        fail(browser(app, f"10.0.1.{n}"), app, "admin")
    late = try_sign_in(browser(app, "10.0.2.1"), app, "admin", ADMIN_PASSWORD)
    assert late.status_code == 429
    assert "複数のアドレスから企画担当(管理者)へのサインインの失敗が10分間に50回" in late.text
    assert signs_in(office, app, "admin")


def test_a_known_browser_that_keeps_failing_is_counted_like_any_other(app: Any) -> None:
    office = known_browser(app, "admin")
    fail(office, app, "admin")  # its own ten, then the ten of a new browser at its address
    fail(office, app, "admin")
    assert not signs_in(office, app, "admin")
    assert signs_in(known_browser(app, DEPT_A), app, DEPT_A)


def test_a_busy_address_still_signs_in_until_its_own_limit(tmp_path: Path, clock: Clock) -> None:
    app = make_app(tmp_path, clock)
    fail(browser(app), app, DEPT_A)
    fail(browser(app), app, DEPT_B, 9)
    assert signs_in(browser(app), app, "admin")  # 19 failures at the address: not its own
    # over the address's limit (15 here), only browsers that signed in before get in
    small = make_app(tmp_path / "small", clock, Limits(address=15))
    known = known_browser(small, DEPT_B)
    fail(browser(small), small, DEPT_A)
    fail(browser(small), small, DEPT_B, 5)
    refused = try_sign_in(browser(small), small, "admin", ADMIN_PASSWORD)
    assert refused.status_code == 429
    assert "<h1>このネットワークからのサインインを、しばらく受け付けません。" in refused.text
    assert "このアドレス(10.0.0.1)からのサインインの失敗が10分間に15回に達した" in refused.text
    assert signs_in(known, small, DEPT_B)
    assert signs_in(browser(small, "10.0.0.2"), small, "admin")


def test_only_a_token_this_service_signed_for_that_account_is_trusted(app: Any) -> None:
    clerk = known_browser(app, DEPT_A)  # trusted for its 課, not for the admin
    fail(clerk, app, "admin")
    assert not signs_in(clerk, app, "admin")
    forged = browser(app)
    value = URLSafeSerializer("not-the-key", salt="xlsxsheet-device").dumps({"admin": "x"})
    forged.set_cookie(DEVICE_COOKIE, value, path="/signin")
    assert not signs_in(forged, app, "admin")
    nonsense = {"who": "9" * 40, "secret": "x", "csrf": token(forged, "/signin")}
    assert forged.post("/signin", data=nonsense).status_code == 401  # no such 課: a failure
    cookie = clerk.get_cookie(DEVICE_COOKIE, path="/signin")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert cookie.path == "/signin"


def test_x_forwarded_for_counts_only_when_proxies_are_configured(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    direct = make_app(tmp_path / "direct", clock)
    fail(browser(direct, "127.0.0.1", x_forwarded_for="10.5.5.5"), direct, DEPT_A)
    other = browser(direct, "127.0.0.1", x_forwarded_for="10.6.6.6")
    assert not signs_in(other, direct, DEPT_A)  # a header anyone can send: not believed
    proxied = make_app(tmp_path / "proxied", clock, trusted_proxies=1)
    fail(browser(proxied, "127.0.0.1", x_forwarded_for="10.5.5.5"), proxied, DEPT_A)
    assert signs_in(browser(proxied, "127.0.0.1", x_forwarded_for="10.6.6.6"), proxied, DEPT_A)
    # what the client itself put before the proxy's entry changes nothing
    spoof = browser(proxied, "127.0.0.1", x_forwarded_for="10.7.7.7, 10.5.5.5")
    assert not signs_in(spoof, proxied, DEPT_A)
    monkeypatch.setenv("XLSXSHEET_TRUSTED_PROXIES", "1")
    from_env = make_app(tmp_path / "env", clock)
    fail(browser(from_env, "127.0.0.1", x_forwarded_for="10.5.5.5"), from_env, DEPT_A)
    assert signs_in(browser(from_env, "127.0.0.1", x_forwarded_for="10.6.6.6"), from_env, DEPT_A)
    monkeypatch.setenv("XLSXSHEET_TRUSTED_PROXIES", "yes")
    with pytest.raises(UsageError, match="XLSXSHEET_TRUSTED_PROXIES"):
        make_app(tmp_path / "bad", clock)


def _chosen(page: str) -> list[str]:
    return re.findall(r'<option value="([^"]+)" selected>', page)


def test_a_failed_sign_in_keeps_the_課_chosen_and_never_the_code(app: Any) -> None:
    client = browser(app)
    wrong = codes(app)[DEPT_A]  # another 課's code: the one secret a clerk might paste
    response = try_sign_in(client, app, DEPT_B, wrong)
    assert response.status_code == 401
    assert _chosen(response.text) == [str(dept_id(app, DEPT_B))]
    assert "アクセスコード(パスワード)が違います" in response.text
    assert wrong not in response.text
    assert wrong.replace("-", "") not in response.text
    assert re.search(
        r'<input id="secret" name="secret" type="password"[^>]*autofocus>', response.text
    )
    assert 'value="WRONG' not in response.text
    assert _chosen(try_sign_in(client, app, "admin", "guess").text) == ["admin"]


def test_the_sign_in_form_opens_on_the_課_this_browser_signed_in_as(app: Any) -> None:
    assert _chosen(browser(app).get("/signin").text) == []  # a new browser: the first 課
    clerk = known_browser(app, DEPT_B)
    assert _chosen(clerk.get("/signin").text) == [str(dept_id(app, DEPT_B))]
    assert _chosen(clerk.get("/signin?who=admin").text) == ["admin"]


def test_a_new_code_lifts_the_lockout_of_its_課(app: Any) -> None:
    """The 429 page tells the clerk to ask for a new code: with it, they sign in at once."""
    clerk = browser(app)
    fail(clerk, app, DEPT_A)
    assert not signs_in(clerk, app, DEPT_A)
    office = browser(app, "10.0.0.9")
    assert signs_in(office, app, "admin")
    issued = office.post(
        f"/admin/dept/{dept_id(app, DEPT_A)}/code",
        data={"csrf": token(office, "/admin"), "confirm": "yes"},
    )
    new_code = re.search(r'id="new-code">([^<]+)<', issued.text).group(1)
    response = try_sign_in(clerk, app, DEPT_A, new_code)
    assert response.status_code == 302, response.text[:300]
