"""One way to write every output file: refused over an existing file unless forced, never a
folder, through a temporary `~$…` file beside it (discovery skips those) moved into place with
`os.replace`, removed when writing fails, with the permissions the user's umask gives."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from xlsxsheet.core.errors import OutputError, UsageError

TEMP_PREFIX = "~$"


def check_target(out: Path, force: bool = False) -> Path:
    """`out` if a file may be written there: not a folder, not an existing file unless forced."""
    out = Path(out)
    if out.is_dir():
        raise UsageError(
            f"出力先 {out} はフォルダです。書き出すファイルの名前(例: {out / ('出力' + (out.suffix or '.xlsx'))})"
            "を指定してください。"
        )
    if out.exists() and not force:
        raise UsageError(
            f"出力先 {out} はすでにあります。上書きするには --force を付けてください"
            "(別のファイル名を指定することもできます)。"
        )
    return out


def temp_name(out: Path) -> Path:
    """A temporary name beside `out`, `~$` first (so no `check DIR` reads it), suffix kept.

    It fits where `out` fits: 255 bytes and UTF-16 units a name, and Windows' 260 a path, the
    stem shortened where the added `~$` and token would pass them."""
    token = secrets.token_hex(4)
    extra = f"{TEMP_PREFIX}.{token}{out.suffix}"
    path_room = 259 - len(str(out.parent)) - 1 - len(extra)  # Windows' MAX_PATH, less the NUL
    room = max(1, min(255 - len(extra.encode()), path_room))
    stem = out.stem
    while len(stem) > 1 and (
        len(stem.encode("utf-8")) > room or len(stem.encode("utf-16-le")) // 2 > room
    ):
        stem = stem[:-1]
    return out.with_name(f"{TEMP_PREFIX}{stem}.{token}{out.suffix}")


@contextmanager
def atomic_path(out: Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write; on success it becomes `out`, on failure it is removed.

    `out` is checked before anything is written (see check_target); its folder is created.
    """
    out = check_target(Path(out), force)
    temp = temp_name(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        yield temp
        if not temp.exists():
            raise OSError(f"{temp} was not written")
        _user_mode(temp)
        check_target(out, force)  # the file may have appeared meanwhile
        os.replace(temp, out)
    except OSError as exc:  # a full disk, a file Excel holds open (Windows), no permission
        temp.unlink(missing_ok=True)
        raise OutputError(
            f"{out} を書き出せません({exc.strerror or exc})。Excelなどで開いていないか、"
            "書き込める場所か確認してください。"
        ) from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_open(
    out: Path, force: bool = False, *, encoding: str = "utf-8", newline: str | None = None
) -> Iterator[IO[str]]:
    """A text stream whose file becomes `out` when the block ends without an error."""
    with atomic_path(out, force) as temp, temp.open("x", encoding=encoding, newline=newline) as f:
        yield f


def write_bytes(out: Path, data: bytes, force: bool = False) -> Path:
    """Write `data` to `out` atomically (see atomic_path)."""
    with atomic_path(out, force) as temp:
        temp.write_bytes(data)
    return Path(out)


def _user_mode(path: Path) -> None:
    """The mode a newly created file gets from the umask (mkstemp-like writers give 0600)."""
    if os.name != "posix":
        return
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)
