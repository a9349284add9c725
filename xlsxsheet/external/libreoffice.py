"""Thin, robust wrapper around headless LibreOffice (``soffice``).

Every conversion opens the document with formula recalculation *forced* on load,
so the cached values in the output are what a real spreadsheet client computes,
not whatever the writer (e.g. xlsxwriter, which writes ``0``) stored.

Each conversion runs with a private LibreOffice user profile taken from a
per-process pool: a profile is used by one soffice process at a time, so
concurrent calls (threads, pytest-xdist workers, separate processes) never share
one. Profiles are reused within a process (a warm profile starts ~0.4 s faster)
and deleted at interpreter exit.

Public API: :class:`LibreOfficeError`, :func:`find_soffice`, :func:`recalculate`,
:func:`to_pdf`, :func:`pdf_to_png`.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

__all__ = [
    "DEFAULT_TIMEOUT",
    "LibreOfficeError",
    "find_soffice",
    "pdf_to_png",
    "recalculate",
    "to_pdf",
    "to_xls",
]

#: Seconds one soffice/pdftoppm run may take before its process group is killed.
DEFAULT_TIMEOUT: float = 120.0

#: Environment variable naming the soffice executable (path or command name).
SOFFICE_ENV = "XLSXSHEET_SOFFICE"

XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"
PDF_FILTER = "pdf:calc_pdf_Export"
XLS_FILTER = "xls:MS Excel 97"

# 0 = always recalculate on load (1 = never, 2 = prompt).
_RECALC_XCU = """\
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

# Output of soffice that means "the office process did not come up" (as opposed
# to "the document is bad"); such runs are retried once.
_TRANSIENT_RE = re.compile(
    r"could not start|couldn't start|user installation could not be completed"
    r"|failed to start|unable to connect|fatal exception|application error"
    r"|deploymentexception|signal \d+",
    re.IGNORECASE,
)
# soffice.bin asks its launcher for a restart with exit code 81 (first start).
_RESTART_EXIT_CODE = 81
_TAIL_CHARS = 2000


class LibreOfficeError(RuntimeError):
    """A LibreOffice (or pdftoppm) run failed; the message says what and why."""


def find_soffice() -> str | None:
    """Return the soffice executable to use, or ``None`` if there is none.

    ``$XLSXSHEET_SOFFICE`` (a path or a command name) wins when set; if it is set
    but does not resolve to an executable, ``None`` is returned rather than
    silently falling back to another LibreOffice.
    """
    override = os.environ.get(SOFFICE_ENV, "").strip()
    if override:
        return shutil.which(override)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    mac = "/Applications/LibreOffice.app/Contents/MacOS/soffice"
    return mac if os.access(mac, os.X_OK) else None


def recalculate(
    src: Path | str,
    out_dir: Path | str,
    *,
    timeout: float | None = None,
    soffice: str | None = None,
) -> Path:
    """Open ``src`` in LibreOffice, recalculate every formula and save as .xlsx.

    The result is ``out_dir / (src.stem + ".xlsx")`` (an existing file there is
    replaced). ``src`` itself is never modified; a ``ValueError`` is raised if the
    output path would be ``src``.
    """
    return _convert(Path(src), Path(out_dir), XLSX_FILTER, ".xlsx", timeout, soffice)


def to_pdf(
    src: Path | str,
    out_dir: Path | str,
    *,
    timeout: float | None = None,
    soffice: str | None = None,
) -> Path:
    """Recalculate ``src`` and export it to ``out_dir / (src.stem + ".pdf")``."""
    return _convert(Path(src), Path(out_dir), PDF_FILTER, ".pdf", timeout, soffice)


def to_xls(
    src: Path | str,
    out_dir: Path | str,
    *,
    timeout: float | None = None,
    soffice: str | None = None,
) -> Path:
    """Recalculate ``src`` and save it as Excel 97-2003 ``out_dir / (src.stem + ".xls")``."""
    return _convert(Path(src), Path(out_dir), XLS_FILTER, ".xls", timeout, soffice)


def pdf_to_png(
    pdf: Path | str,
    out_dir: Path | str,
    dpi: int = 60,
    *,
    timeout: float | None = None,
) -> list[Path]:
    """Render every page of ``pdf`` to ``out_dir/<stem>-<page>.png``; return them in page order."""
    pdf, out_dir = Path(pdf), Path(out_dir)
    if not pdf.is_file():
        raise LibreOfficeError(f"pdf_to_png: input PDF not found: {pdf}")
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise LibreOfficeError("pdf_to_png: pdftoppm not found on PATH (install poppler-utils)")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlsxsheet-png-") as tmp:
        work = Path(tmp)
        shutil.copyfile(pdf, work / "in.pdf")
        cmd = [pdftoppm, "-r", str(dpi), "-png", str(work / "in.pdf"), str(work / "page")]
        rc, output = _run(cmd, timeout, what=f"pdftoppm {pdf.name}")
        pages = sorted(work.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        if rc != 0 or not pages:
            raise LibreOfficeError(
                f"pdftoppm failed on {pdf} (exit code {rc}, {len(pages)} pages){_tail(output)}"
            )
        result = []
        for number, page in enumerate(pages, start=1):
            target = out_dir / f"{pdf.stem}-{number}.png"
            shutil.move(str(page), target)
            result.append(target)
    return result


# --------------------------------------------------------------------------- internals


def _convert(
    src: Path,
    out_dir: Path,
    filter_spec: str,
    suffix: str,
    timeout: float | None,
    soffice: str | None,
) -> Path:
    """Convert ``src`` in a private temp dir and move the result into ``out_dir``."""
    if not src.is_file():
        raise LibreOfficeError(f"LibreOffice conversion: input file not found: {src}")
    target = out_dir / (src.stem + suffix)
    if target.exists() and target.samefile(src):
        raise ValueError(f"output {target} would overwrite the input; choose another out_dir")
    exe = soffice or find_soffice()
    if exe is None:
        raise LibreOfficeError(
            f"LibreOffice not found: no soffice/libreoffice on PATH and ${SOFFICE_ENV} "
            f"is {os.environ.get(SOFFICE_ENV)!r}"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlsxsheet-lo-") as tmp:
        work = Path(tmp)
        # An ASCII-only copy: LibreOffice never sees (or can touch) the original,
        # and non-ASCII names cannot trip over the process locale.
        work_in = work / "in" / ("input" + src.suffix.lower())
        work_out = work / "out"
        work_in.parent.mkdir()
        work_out.mkdir()
        shutil.copyfile(src, work_in)
        produced = work_out / ("input" + suffix)
        what = f"LibreOffice conversion of {src} to {suffix}"
        for attempt in (1, 2):
            profile = _acquire_profile()
            ok = False
            try:
                cmd = [
                    exe,
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--headless",
                    "--norestore",
                    "--nolockcheck",
                    "--convert-to",
                    filter_spec,
                    "--outdir",
                    str(work_out),
                    str(work_in),
                ]
                rc, output = _run(cmd, timeout, what=what)
                ok = rc == 0 and produced.is_file() and produced.stat().st_size > 0
            finally:
                # A profile from a failed run may be half-initialised: drop it.
                _release_profile(profile, reuse=ok)
            if ok:
                break
            loaded = "could not be loaded" not in output
            transient = (
                rc == _RESTART_EXIT_CODE
                or bool(_TRANSIENT_RE.search(output))
                or (rc == 0 and loaded)
            )
            if attempt == 1 and transient:
                produced.unlink(missing_ok=True)
                continue
            reason = "no output file was written" if loaded else "source file could not be loaded"
            raise LibreOfficeError(f"{what} failed (exit code {rc}, {reason}){_tail(output)}")
        shutil.move(str(produced), target)
    return target


def _run(cmd: list[str], timeout: float | None, *, what: str) -> tuple[int, str]:
    """Run ``cmd`` in its own process group; return (exit code, stderr+stdout).

    ``timeout`` ``None`` means :data:`DEFAULT_TIMEOUT` (looked up at call time).
    """
    if timeout is None:
        timeout = DEFAULT_TIMEOUT
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise LibreOfficeError(f"{what}: cannot execute {cmd[0]}: {exc}") from exc
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException as exc:
        # Timeout or KeyboardInterrupt: the leader is not reaped yet, so the
        # group id still belongs to our soffice/oosplash/soffice.bin processes.
        _kill_group(proc.pid)
        out, err = proc.communicate()
        if not isinstance(exc, subprocess.TimeoutExpired):
            raise
        text = _decode(err) + _decode(out)
        raise LibreOfficeError(
            f"{what} timed out after {timeout:g} s; process group killed{_tail(text)}"
        ) from None
    return proc.returncode, _decode(err) + _decode(out)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _decode(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")


def _tail(output: str) -> str:
    output = output.strip()
    if not output:
        return "; the tool printed nothing"
    return f"; output tail:\n{output[-_TAIL_CHARS:]}"


# ------------------------------------------------------------------ profile pool

_pool_lock = threading.Lock()
_idle_profiles: list[Path] = []
_all_profiles: list[Path] = []
_pool_pid = os.getpid()


def _acquire_profile() -> Path:
    """Lend out a user-profile dir that no other soffice process is using."""
    global _pool_pid
    with _pool_lock:
        if _pool_pid != os.getpid():  # forked child: the parent's profiles aren't ours
            _idle_profiles.clear()
            _all_profiles.clear()
            _pool_pid = os.getpid()
        return _idle_profiles.pop() if _idle_profiles else _new_profile()


def _release_profile(profile: Path, *, reuse: bool) -> None:
    """Give a profile back to the pool, or delete it when ``reuse`` is false."""
    with _pool_lock:
        if _pool_pid != os.getpid() or profile not in _all_profiles:
            return  # lent out before a fork: it belongs to the parent process
        if reuse:
            _idle_profiles.append(profile)
            return
        _all_profiles.remove(profile)
    shutil.rmtree(profile, ignore_errors=True)


def _new_profile() -> Path:
    """Create a profile dir with forced recalculation configured (caller holds the lock)."""
    root = Path(tempfile.mkdtemp(prefix="xlsxsheet-soffice-profile-"))
    user = root / "user"
    user.mkdir()
    (user / "registrymodifications.xcu").write_text(_RECALC_XCU, encoding="utf-8")
    _all_profiles.append(root)
    return root


@atexit.register
def _cleanup_profiles() -> None:
    if _pool_pid != os.getpid():
        return
    for root in _all_profiles:
        shutil.rmtree(root, ignore_errors=True)
