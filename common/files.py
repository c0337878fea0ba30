"""Files written whole or not at all.

Every file sporen gives a user is written to a hidden temporary file in the target's folder and
renamed over the target only when complete, so a killed run never leaves half a file. The
temporary file gets the permissions a plain `open()` would (the user's umask), not mkstemp's
private 0600: colleagues on a shared drive must be able to open a report. A file a library builds
(a workbook: a zip archive) is built in memory and written in one go, so a full disk fails in one
place, cleanly (an archive left open on a full disk used to fail again in its destructor).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO


def current_umask() -> int:
    """The process umask (read by setting and restoring it; there is no getter)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def readable_mode(directory: bool = False) -> int:
    """The mode `open()` or `mkdir()` would give under the current umask."""
    return (0o777 if directory else 0o666) & ~current_umask()


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file next to `path`; on success it replaces `path`, on any error it is removed."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
        os.chmod(tmp, readable_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> Path:
    """Write `text` (UTF-8, \\n line ends) to `path` whole."""
    with atomic_open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return Path(path)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write `data` to `path` whole."""
    with atomic_open(path, "wb") as handle:
        handle.write(data)
    return Path(path)


def write_with(path: str | Path, writer: Callable[[Any], None]) -> Path:
    """Let `writer` write a file into a binary buffer (e.g. openpyxl's `save`, which takes a file
    object), then write it to `path` whole."""
    buffer = io.BytesIO()
    writer(buffer)
    return write_bytes(path, buffer.getvalue())


_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def reproducible_zip_bytes(data: bytes) -> bytes:
    """A zip-based document (an XLSX workbook) with fixed timestamps -- of the zip entries and of the
    document's created/modified properties -- so equal content gives equal bytes."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info, content in entries:
            if info.filename == "docProps/core.xml":
                content = _CORE_TIMES.sub(rb"\g<1>2000-01-01T00:00:00Z\g<3>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, content)
    return out.getvalue()


def reproducible_zip(target: str | Path | BinaryIO) -> str | Path | BinaryIO:
    """Rewrite a zip-based document in place with fixed timestamps (`reproducible_zip_bytes`): a
    file (written whole) or a binary buffer (as `write_with` hands its writer)."""
    if isinstance(target, (str, Path)):
        write_bytes(target, reproducible_zip_bytes(Path(target).read_bytes()))
        return target
    target.seek(0)
    data = reproducible_zip_bytes(target.read())
    target.seek(0)
    target.truncate()
    target.write(data)
    return target
