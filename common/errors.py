"""User-facing input errors.

Every problem a planner can cause (a missing file, a typo in a key, a probability above 1) is a
`Problem` that names the file, the path to the field, what is wrong and what is allowed. Code that
finds several problems collects them and raises one `InputError`, so the planner sees all of them
at once; the CLI turns it into exit code 2 without a traceback.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Self


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of one input file."""

    file: str
    path: str
    message: str
    allowed: str = ""

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        tail = f" ({self.allowed})" if self.allowed else ""
        return f"{where}: {self.message}{tail}"


@dataclass
class InputError(Exception):
    """Raised with every problem found in the inputs; str() lists one problem per line."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


MAX_LISTED = 100
"""At most this many problems of one kind are listed; the rest are counted (`Problems`)."""


class Problems(list[Problem]):
    """A list of problems that keeps the first `limit` and counts the rest in one closing line,
    ``FILE: ... and 3,571,317 more like this`` (a file with millions of bad rows gives a readable
    answer, not millions of lines)."""

    def __init__(self, items: Iterable[Problem] = (), limit: int = MAX_LISTED):
        super().__init__()
        self.limit = limit
        self.more = 0
        for item in items:
            self.append(item)

    def append(self, problem: Problem) -> None:
        if len(self) < self.limit:
            super().append(problem)
            return
        if self.more:
            self.pop()
        self.more += 1
        super().append(Problem(problem.file, "", f"... and {self.more:,} more like this"))

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)

    # list.__iadd__'s own signature; mypy checks it against list.__add__'s generic overload and objects
    def __iadd__(self, problems: Iterable[Problem]) -> Self:  # type: ignore[override, misc]
        self.extend(problems)
        return self


def input_error(file: str, path: str, message: str, allowed: str = "") -> InputError:
    """Shorthand for an InputError with a single problem."""
    return InputError([Problem(str(file), path, message, allowed)])


class RunFailed(RuntimeError):
    """A run that could not finish for a reason other than its input (a solver failure, a calibrated
    scenario that does not validate): exit code 1 with the message, nothing written."""


DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)
"""Write errors of the machine, not of the input: the disk is full (or failing). The run failed
(exit 1); a path that cannot be written is bad input (exit 2)."""


def disk_full(exc: OSError) -> bool:
    """The write failed for lack of space (or a failing device), not because of the path."""
    return exc.errno in DISK_FULL
