"""Run options: how many futures, from which seed, and where they are simulated.

Declared once here (`common.options`) and composed by every command that simulates: the number
of replications and the root seed (each command its own default count), and `Parallel`, the
worker processes or the Dask cluster, which never changes a result.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from pydantic import model_validator

from sporen.common.options import OptionProblem, Options, option

DEFAULT_SEED = 20180101
"""The one default root seed of every command and of the page (the seed documents' first month).
The futures core (`sim.futures`) is its eventual home; everything refers to this name."""
MAX_REPLICATIONS = 100_000
"""More futures than this is a typing error, not a question (a billion seeds would fill memory first)."""
MAX_SEED = 2**63 - 1
MAX_WORKERS = 1024
"""The most worker processes an option may ask for; a run starts at most `local_workers` of them."""
WORKERS_PER_CPU = 2
"""A local run starts at most this many worker processes per CPU: simulating is CPU work, so more
processes than that only cost memory and start-up time (`--workers 1000` used to start 1,000)."""


def replications_option(default: int | None, *, help: str, minimum: int = 1, flag: str = "--replications",
                        short: str | None = "-n", metavar: str = "N", show_default: bool | str = True) -> Any:
    """A number of simulated futures: a whole number from `minimum` to MAX_REPLICATIONS."""
    return option(default, help=help, flag=flag, short=short, metavar=metavar, show_default=show_default,
                  ge=minimum, le=MAX_REPLICATIONS)


def seed_option(help: str = "Root seed; replication i uses SeedSequence(S).spawn(N)[i].") -> Any:
    """The root seed of numpy's SeedSequence: a whole number from 0; default DEFAULT_SEED."""
    return option(DEFAULT_SEED, help=help, metavar="S", ge=0, le=MAX_SEED)


def cpus() -> int:
    return os.cpu_count() or 1


def local_workers(asked: int | None, work: int | None = None) -> int:
    """The worker processes a local run starts: as asked (default: every CPU), but never more than
    the `work` (replications) needs nor WORKERS_PER_CPU per CPU."""
    most = WORKERS_PER_CPU * cpus()
    count = min(asked if asked is not None else cpus(), most)
    if work is not None:
        count = min(count, max(1, work))
    return max(1, count)


class Parallel(Options):
    """Where the simulations run: local worker processes, or a Dask cluster. Never changes results."""

    workers: int | None = option(None, help="Local worker processes. Default: every CPU. The results do not "
                                 "depend on it; at most 2 per CPU are started.", short="-j", metavar="K",
                                 show_default=False, ge=1, le=MAX_WORKERS)
    backend: Literal["local", "dask"] | None = option(
        None, help="Where replications run. Default: local, or dask when --scheduler is given.", show_default=False)
    scheduler: str | None = option(None, help="Dask scheduler address for --backend dask, e.g. tcp://10.0.0.5:8786.",
                                   metavar="ADDRESS", show_default=False)

    @model_validator(mode="after")
    def _backend_and_scheduler(self) -> Parallel:
        backend = self.backend or ("dask" if self.scheduler else "local")
        if backend == "dask" and not self.scheduler:
            raise OptionProblem("option.dask_needs_scheduler", "option.allowed.dask_needs_scheduler",
                                field="scheduler", refs={"scheduler": "scheduler", "backend": "backend"})
        if backend == "local" and self.scheduler:
            raise OptionProblem("option.scheduler_without_dask", "option.allowed.scheduler_without_dask",
                                field="scheduler", refs={"scheduler": "scheduler", "backend": "backend"})
        return self

    @property
    def chosen_backend(self) -> str:
        return self.backend or ("dask" if self.scheduler else "local")

    def local_workers(self, work: int | None = None) -> int:
        """The worker processes a local run of `work` replications starts (see `local_workers`)."""
        return local_workers(self.workers, work)

    def capped(self) -> int | None:
        """The workers asked for, when more than this computer runs (`WORKERS_PER_CPU`); else None."""
        if self.workers is not None and self.workers > WORKERS_PER_CPU * cpus():
            return self.workers
        return None

