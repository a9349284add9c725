"""Upload-to-result time of 提出窓口 (`xlsxsheet serve`) on loopback, for a typical return.

    python benchmarks/web_upload.py [--n 40] [--concurrent 4] [--out benchmarks/web_results]

Starts `xlsxsheet serve` in a fresh process on a new --data folder with the demo roster, signs
in as a department and uploads the bundled 施策マネジメントシート example (a typical return,
26 KB) --n times one after the other, then --n times from --concurrent clients at once. Each
time is from the start of the POST to the end of the result page (the redirect followed), as a
person waits for it. Prints and writes the median and p95 (JSON and a Markdown row).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shisaku-management-R2.xlsx"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class DeskClient:
    """One browser's worth of 提出窓口: a cookie jar, sign-in, uploads."""

    def __init__(self, base: str, timeout: float = 60) -> None:
        self.base = base
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None):
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def csrf(self, path: str) -> str:
        _status, _headers, body = self.request(path)
        found = re.search(rb'name="csrf" value="([^"]+)"', body)
        assert found, f"no CSRF token on {path}"
        return found.group(1).decode()

    def departments(self) -> dict[str, str]:
        _status, _headers, body = self.request("/signin")
        return {
            name.decode(): value.decode()
            for value, name in re.findall(rb'<option value="(\d+)">([^<]+)</option>', body)
        }

    def sign_in(self, who: str, secret: str) -> str:
        """Sign in as a department (its name) or "admin"; the page signed in to."""
        value = "admin" if who == "admin" else self.departments()[who]
        form = urllib.parse.urlencode(
            {"who": value, "secret": secret, "csrf": self.csrf("/signin")}
        ).encode()
        status, headers, _ = self.request(
            "/signin", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 302, status
        self.home = headers["Location"]
        self.token = self.csrf(self.home)
        return self.home

    def upload(self, data: bytes, name: str, follow: bool = True) -> tuple[int, int | None, bytes]:
        """POST a file to the department's upload form; (status, upload id, result page).

        follow=False: the answer to the POST only (303 and the id), no result page."""
        boundary = uuid.uuid4().hex
        body = b"".join(
            [
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n'.encode(),
                self.token.encode(),
                f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode(),
                data,
                f"\r\n--{boundary}--\r\n".encode(),
            ]
        )
        status, headers, _ = self.request(
            self.home + "/upload",
            body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        if status != 303:
            return status, None, b""
        location = headers["Location"]
        upload_id = int(location.rsplit("/", 1)[1])
        if not follow:
            return status, upload_id, b""
        status, _headers, page = self.request(location)
        return status, upload_id, page


def start_server(
    data: Path, port: int, roster: Path | None = None, password: str = "bench-admin"
) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """`xlsxsheet serve` in a new process; the access codes it prints on its first start."""
    command = [
        sys.executable,
        "-c",
        "from xlsxsheet.cli import main; main()",
        "serve",
        "--data",
        str(data),
        "--port",
        str(port),
        "--admin-password",
        password,
        "--year",
        "2020",
    ]
    if roster is not None:
        command += ["--roster", str(roster)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    codes: dict[str, str] = {}
    assert process.stderr is not None
    for line in process.stderr:
        if "\t" in line:
            dept, code = line.strip().split("\t")
            codes[dept] = code
        if line.startswith("止めるには"):
            break
    else:
        raise RuntimeError("the server stopped before it started")
    threading.Thread(target=process.stderr.read, daemon=True).start()  # keep the pipe drained
    _wait_until_up(port)
    return process, codes


def _wait_until_up(port: int, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/signin", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not answer")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _timed_upload(client: DeskClient, data: bytes, n: int) -> float:
    start = time.perf_counter()
    status, upload_id, page = client.upload(data, f"施策_{n}.xlsx")
    elapsed = time.perf_counter() - start
    assert status == 200 and upload_id is not None and b'id="counts"' in page, status
    return elapsed


def _stats(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--concurrent", type=int, default=4)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "web_results")
    args = parser.parse_args()
    from xlsxsheet.web.demo import write_demo_roster

    data = Path(tempfile.mkdtemp(prefix="xlsxsheet-web-bench-"))
    roster = write_demo_roster(data)
    port = free_port()
    process, codes = start_server(data, port, roster)
    try:
        base = f"http://127.0.0.1:{port}"
        sent = EXAMPLE.read_bytes()
        client = DeskClient(base)
        client.sign_in("福祉総務課", codes["福祉総務課"])
        _timed_upload(client, sent, 0)  # warm: layouts loaded, first plan laid out
        sequential = [_timed_upload(client, sent, n) for n in range(args.n)]
        clients = []
        for _ in range(args.concurrent):
            c = DeskClient(base)
            c.sign_in("福祉総務課", codes["福祉総務課"])
            clients.append(c)
        with ThreadPoolExecutor(args.concurrent) as pool:
            start = time.perf_counter()
            concurrent = list(
                pool.map(lambda n: _timed_upload(clients[n % len(clients)], sent, n), range(args.n))
            )
            wall = time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(timeout=30)
    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
        "python": platform.python_version(),
        "file": f"{EXAMPLE.name} ({len(sent):,} bytes)",
        "sequential": _stats(sequential),
        "concurrent": {
            **_stats(concurrent),
            "clients": args.concurrent,
            "uploads_per_s": round(args.n / wall, 1),
        },
        "load": os.getloadavg(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    s, c = results["sequential"], results["concurrent"]
    line = (
        f"| one client | {s['n']} | {s['median_ms']} | {s['p95_ms']} |\n"
        f"| {c['clients']} clients at once | {c['n']} | {c['median_ms']} | {c['p95_ms']} |"
        f" ({c['uploads_per_s']} uploads/s)"
    )
    args.out.with_suffix(".md").write_text(line + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
