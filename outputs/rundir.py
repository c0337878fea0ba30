"""A run folder that appears whole or not at all, and never replaces what sporen did not write.

`RunDirectory(target)` is a context manager yielding a hidden temporary folder next to the target
(``.<name>.tmp-<host>-<pid>``). Write every file there; when the block ends without an exception,
the folder takes the target's place. On any exception -- including Ctrl-C (KeyboardInterrupt) and
SystemExit -- the temporary folder is removed and the target is left as it was.

What may be replaced (`check_target`, also called before a job starts its work, so a refusal
costs nothing): a folder that does not exist yet, an empty folder, or an earlier sporen run
folder -- recognised by its manifest.json (written by sporen, listing every file with its
sha256) and holding nothing else: no file the manifest does not list, no listed file changed
since. Anything else is refused (exit code 2, nothing written), as are the current folder and
any folder holding it (``--out .``, ``--out ..``, ``--out "$PWD"``), a folder that holds one of
the run's input files, a symbolic link and a file. A job's default folder
(outputs/runs/<name>) is also refused when it holds another kind of run (`RunKind`), so
``simulate`` never silently replaces ``simulate --plan`` or ``plan``.

Replacing is crash-safe. On Linux the new folder and the old one swap places in one atomic
``renameat2(RENAME_EXCHANGE)``; elsewhere the old folder is first renamed to
``.<name>.old-<host>-<pid>``, the new one takes its name, and the old one becomes
``.<name>.trash-<host>-<pid>`` before it is removed. A run killed at any moment (SIGKILL, power
loss) leaves at most these hidden folders; the next run for the same target (`recover`) restores
an ``.old-`` folder whose target is missing and removes the rest -- only for processes of this
host that are gone.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import signal
import socket
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from sporen.common import interrupt
from sporen.common.errors import InputError, Problem

MANIFEST = "manifest.json"
WRITTEN_BY = "sporen"
"""The manifest's ``written_by`` value: the mark of a sporen run folder."""
UNLISTED_OK = frozenset({MANIFEST, "timing.json"})
"""Files of a run folder its manifest does not list (the manifest itself, the wall-clock times)."""
MAX_MANIFEST_BYTES = 256 * 2**20
ALLOWED = "a new folder, an empty folder, or an earlier sporen run folder"
_HOST = re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:40] or "host"
_STATES = ("tmp", "old", "trash")


@dataclass(frozen=True)
class RunKind:
    """What a default run folder holds: the command (``simulate``, ``simulate --plan``, ``optimise``,
    ``plan``, ``compare``) and the scenario's name. A default folder holding another kind is kept."""

    command: str
    scenario: str

    def __str__(self) -> str:
        return f"sporen {self.command} of scenario '{self.scenario}'"


def run_kind(manifest: dict[str, Any]) -> RunKind | None:
    """The kind of run a manifest describes (None when it does not say)."""
    kind = manifest.get("kind")
    scenario = manifest.get("scenario")
    name = scenario.get("name") if isinstance(scenario, dict) else None
    if not isinstance(kind, str) or not isinstance(name, str):
        return None
    plan = manifest.get("plan")
    if kind == "simulate" and isinstance(plan, dict) and plan.get("file"):
        kind = "simulate --plan"
    return RunKind(kind, name)


# -- recognising a run folder ------------------------------------------------------------------------
def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a sporen run folder, or None when `folder` holds none (or not sporen's)."""
    path = folder / MANIFEST
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_MANIFEST_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return None
    versions = data.get("versions")
    marked = data.get("written_by") == WRITTEN_BY or (isinstance(versions, dict) and "sporen" in versions)
    return data if marked else None


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def foreign_entries(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """What in a run folder sporen did not write: entries its manifest does not list, listed files
    changed since (other size or sha256). Empty = the folder is sporen's own, whole."""
    listed = manifest["files"]
    out: list[str] = []
    for entry in sorted(folder.iterdir()):
        name = entry.name
        if entry.is_symlink() or not entry.is_file():
            out.append(f"{name} (not written by sporen)")
        elif name in UNLISTED_OK:
            continue
        elif name not in listed and entry.stem not in listed:   # older manifests named some files by stem
            out.append(f"{name} (not written by sporen)")
        else:
            info = listed.get(name, listed.get(entry.stem))
            info = info if isinstance(info, dict) else {}
            try:
                changed = (info.get("bytes") not in (None, entry.stat().st_size)
                           or (info.get("sha256") is not None and info["sha256"] != _sha256(entry)))
            except OSError:
                changed = True
            if changed:
                out.append(f"{name} (changed since sporen wrote it)")
    return out


# -- the rules ---------------------------------------------------------------------------------------
def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve(strict=False)
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def _holds(folder: Path, path: Path) -> bool:
    """`path` is `folder` or lies inside it (both resolved)."""
    return path == folder or folder in path.parents


# complexity over 15: every reason a folder may not become a run folder, one problem each
def check_target(target: str | Path, inputs: Iterable[str | Path | None] = (),  # noqa: C901
                 kind: RunKind | None = None) -> list[Problem]:
    """Every reason `target` may not become (or replace) a run folder; empty = it may.

    `inputs` are the run's input files (scenario, variant, plan, ...): the run folder may not hold
    any of them. `kind`, for a job's default folder: an existing run folder there must be of this
    kind. Stale hidden folders of killed runs are recovered first (`recover`).
    """
    target = Path(target)
    name = str(target)

    def problem(message: str, allowed: str = ALLOWED) -> list[Problem]:
        return [Problem(name, "", message, allowed)]

    if not str(target).strip():
        return problem("is not a folder name", "a folder name such as runs/bmwe")
    where = _resolved(target)
    here = _resolved(Path.cwd())
    if _holds(where, here):
        what = "the current folder" if where == here else "a folder that holds the current folder"
        return problem(f"is {what}; sporen does not replace it", "a new folder, e.g. --out runs/NAME")
    if target.name in ("", ".", ".."):
        return problem("is not a folder name", "a folder name such as runs/bmwe")
    for given in inputs:
        if given is None:
            continue
        source = _resolved(Path(given))
        if _holds(where, source):
            return problem(f"holds the input file {given}; sporen does not replace it",
                           "a folder that holds none of the run's input files")
    if target.is_symlink():
        return problem("is a symbolic link", "a real folder")
    if target.exists() and not target.is_dir():
        return problem("exists and is not a folder", "a folder name for the run's files")
    parent = target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        return problem(f"cannot write the run folder: {parent} is a file, not a folder", "a folder name")
    if not os.access(parent, os.W_OK | os.X_OK):
        return problem(f"cannot write the run folder: {parent} is not writable", "a writable folder")
    with contextlib.suppress(OSError):
        recover(target)
    if not target.exists():
        return []
    try:
        entries = list(target.iterdir())
    except OSError as exc:
        return problem(f"cannot be read: {exc.strerror or exc}")
    if not entries:
        return []
    manifest = read_manifest(target)
    if manifest is None:
        return problem("holds files sporen did not write (it has no sporen manifest.json); sporen never "
                       "replaces them")
    foreign = foreign_entries(target, manifest)
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3:,} more" if len(foreign) > 3 else "")
        return problem(f"is a sporen run folder that also holds {shown}; sporen replaces only a run "
                       "folder holding nothing but its own files", "move those files away, or another --out")
    if kind is not None and run_kind(manifest) != kind:
        other = run_kind(manifest)
        return problem(f"holds another kind of run ({other or 'unknown'}); it is kept",
                       f"--out DIR for this {kind}")
    return []


# -- killed runs ---------------------------------------------------------------------------------------
def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def _hidden(target: Path, state: str) -> Path:
    return target.parent / f".{target.name}.{state}-{_HOST}-{os.getpid()}"


def stale_folders(target: Path) -> list[tuple[str, Path]]:
    """(state, path) of the hidden folders next to `target` left by runs of this host that are gone.

    Names: ``.<name>.<state>-<host>-<pid>``, and ``.<name>.<state>-<pid>`` of older versions."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.({'|'.join(_STATES)})-(?:([A-Za-z0-9]+)-)?([0-9]+)$")
    out = []
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return []
    for path in entries:
        match = pattern.match(path.name)
        if match is None or path.is_symlink() or not path.is_dir():
            continue
        state, host, pid = match.group(1), match.group(2), int(match.group(3))
        if (host is None or host == _HOST) and pid != os.getpid() and not _pid_alive(pid):
            out.append((state, path))
    return sorted(out, key=lambda item: (_STATES.index(item[0]) != 1, item[1].name))


def recover(target: str | Path) -> list[str]:
    """Repair what killed runs left next to `target`: an ``.old-`` folder whose target is missing is
    the previous run, put back; hidden folders that are no longer needed are removed. Returns what
    was done, one line each."""
    target = Path(target)
    done: list[str] = []
    for state, path in stale_folders(target):
        if state == "old" and not target.exists() and not target.is_symlink():
            os.rename(path, target)
            done.append(f"restored the previous run {target} from {path.name}")
        elif state == "old" and read_manifest(target) is None:
            continue   # the target is not sporen's: keep the previous run where it is
        else:
            shutil.rmtree(path, ignore_errors=True)
            done.append(f"removed {path.name}")
    return done


# -- the swap ------------------------------------------------------------------------------------------
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False when not supported here."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(b))


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done (main thread; elsewhere a no-op)."""
    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def replace_folder(new: Path, target: Path) -> None:
    """Put the finished folder `new` in `target`'s place, crash-safely (see the module docstring)."""
    with _signals_held():
        if not target.exists():
            os.rename(new, target)
            return
        if _exchange(new, target):
            shutil.rmtree(new, ignore_errors=True)       # `new` now holds the previous run
            return
        old, trash = _hidden(target, "old"), _hidden(target, "trash")
        os.rename(target, old)
        try:
            os.rename(new, target)
        except BaseException:
            os.rename(old, target)
            raise
        os.rename(old, trash)
    shutil.rmtree(trash, ignore_errors=True)


# -- the context manager -------------------------------------------------------------------------------
@dataclass
class RunDirectory:
    """Write into a hidden temporary folder; it takes `target`'s place only on success.

    `inputs` and `kind` are the rules of `check_target`, checked again when the folder is made
    (InputError when broken)."""

    target: Path
    inputs: Sequence[str | Path | None] = ()
    kind: RunKind | None = None
    tmp: Path = field(init=False)
    _made: list[Path] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.target = Path(self.target)
        self.tmp = _hidden(self.target, "tmp")

    def __enter__(self) -> Path:
        problems = check_target(self.target, self.inputs, self.kind)
        if problems:
            raise InputError(problems)
        missing = []
        parent = self.target.parent
        while not parent.exists():
            missing.append(parent)
            parent = parent.parent
        for folder in reversed(missing):
            folder.mkdir()
            self._made.append(folder)
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
        self.tmp.mkdir()
        return self.tmp

    def _clean(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
        for folder in reversed(self._made):
            with contextlib.suppress(OSError):
                folder.rmdir()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None,
    ) -> None:
        if kind is not None:
            self._clean()
            return
        try:
            self.commit()
        except BaseException:
            self._clean()
            raise

    def commit(self) -> None:
        """Move the finished temporary folder into place; the target is checked once more first."""
        problems = check_target(self.target, self.inputs, self.kind)
        if problems:
            raise InputError(problems)
        interrupt.check()   # an interruption Python dropped still stops the run here
        replace_folder(self.tmp, self.target)
