"""A run directory that appears whole or not at all.

`RunDirectory(target)` is a context manager yielding a temporary folder next to the target,
``.<name>.tmp-<pid>``. Write every file there; when the block ends without an exception the folder
is renamed to `target` (an existing target is moved aside and removed only then, so it stays
intact until the new one is complete). On any exception -- including Ctrl-C (KeyboardInterrupt)
and SystemExit, e.g. from a SIGTERM handler -- the temporary folder is removed and the target is
left as it was. A run killed outright (SIGKILL, power loss) can leave a hidden ``.tmp-<pid>``
folder; the next RunDirectory for the same target removes those whose process is gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from types import TracebackType


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunDirectory:
    """Write into a hidden temporary folder; rename it to `target` only on success."""

    def __init__(self, target: str | Path):
        self.target = Path(target)
        if not self.target.name or self.target.name in (".", ".."):
            raise ValueError(f"{target!r} is not a folder name")
        self.pid = os.getpid()
        self.tmp = self.target.parent / f".{self.target.name}.tmp-{self.pid}"
        self._old = self.target.parent / f".{self.target.name}.old-{self.pid}"

    def _remove_stale(self) -> None:
        prefixes = (f".{self.target.name}.tmp-", f".{self.target.name}.old-")
        for path in self.target.parent.iterdir():
            for prefix in prefixes:
                suffix = path.name[len(prefix):] if path.name.startswith(prefix) else ""
                if suffix.isdigit() and int(suffix) != self.pid and not _pid_alive(int(suffix)) and path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)

    def __enter__(self) -> Path:
        if self.target.exists() and not self.target.is_dir():
            raise FileExistsError(f"{self.target} exists and is not a folder")
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self._remove_stale()
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
        self.tmp.mkdir()
        return self.tmp

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None,
    ) -> None:
        if kind is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return
        try:
            self.commit()
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise

    def commit(self) -> None:
        """Move the finished temporary folder into place (replacing an existing target)."""
        if self.target.exists():
            if self._old.exists():
                shutil.rmtree(self._old)
            os.replace(self.target, self._old)
            try:
                os.replace(self.tmp, self.target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.replace(self._old, self.target)
                raise
            shutil.rmtree(self._old, ignore_errors=True)
        else:
            os.replace(self.tmp, self.target)
