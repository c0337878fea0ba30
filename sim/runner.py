"""Replications: seeds, parallel backends (local processes or Dask) and stacked result frames.

`run` simulates R replications of one scenario under one plan. Replication i always gets child i
of `numpy.random.SeedSequence(seed).spawn(R)`, whatever the backend, worker count or chunking, and
the results are put back in replication order, so the frames are identical (byte for byte once
written) for identical inputs and seeds. Two plans or variants run with the same seed are paired
(common random numbers): compare them with `compare`.

Backends:

* ``local``: `concurrent.futures.ProcessPoolExecutor` with `workers` processes (default: every
  CPU); `workers=1` runs in this process. Worker pools are kept for reuse by later calls
  (the optimiser calls `sim.api.evaluate` many times) and shut down at exit.
* ``dask``: a `distributed.Client` on `scheduler` (an address such as ``tcp://host:8786``, or a
  `Client` you already hold). Workers need `sporen` installed. An unreachable scheduler raises
  `InputError` naming the address after a short timeout.

Each worker gets chunks of replications (about four per worker) and does the whole per-replication
pipeline -- engine, yearly money (`sim.money`), KPIs (`sim.kpis`) -- returning only the frames
asked for, already stacked per chunk. Frames carry a `replication` column first.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
import uuid
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sporen.common import interrupt
from sporen.common.errors import InputError, Problem
from sporen.common.i18n import display_language, text
from sporen.inputs.plan import Plan, baseline_plan, check_plan
from sporen.inputs.schema import Scenario, application_draws
from sporen.inputs.vangnet_rules import scenario_vangnet_rules as load_rules
from sporen.sim import packed
from sporen.sim.kpis import KpiRows, add_kpis
from sporen.sim.money import MONEY_COLUMNS, MoneyModel, money_problems

FRAMES = ("monthly", "yearly", "kpis", "spells", "events")
DEFAULT_FRAMES = ("monthly", "yearly", "kpis", "spells")
BACKENDS = ("local", "dask")
SCHEDULER_TIMEOUT = 5.0
CHUNKS_PER_WORKER = 4


@dataclass
class RunResult:
    """Stacked frames of R replications (each with `replication` first) and the seeds used.

    Frames that were not asked for are None. `seeds[i]` is the SeedSequence of replication i.
    """

    yearly: pd.DataFrame | None = None
    kpis: pd.DataFrame | None = None
    monthly: pd.DataFrame | None = None
    spells: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    seeds: list[np.random.SeedSequence] = field(default_factory=list)
    seed: int | None = None

    @property
    def replications(self) -> int:
        return len(self.seeds)

    def frame(self, name: str) -> pd.DataFrame | None:
        if name not in FRAMES:
            raise KeyError(f"unknown frame {name!r} (allowed: {', '.join(FRAMES)})")
        return getattr(self, name)

    def seed_records(self) -> list[dict[str, Any]]:
        """Per replication: its number, the root entropy and the spawn key (enough to rebuild it)."""
        return [
            {"replication": i, "entropy": entropy_record(s), "spawn_key": [int(k) for k in s.spawn_key]}
            for i, s in enumerate(self.seeds)
        ]


def entropy_record(seed: np.random.SeedSequence) -> int | list[int] | None:
    """A seed's root entropy for the manifest: an int for SeedSequence(int) (every seed sporen makes),
    a list of ints for a seed a caller built from a sequence of ints."""
    entropy = seed.entropy
    if entropy is None:
        return None
    if isinstance(entropy, (int, np.integer)):
        return int(entropy)
    return [int(e) for e in entropy]


@dataclass(frozen=True)
class _Case:
    """One scenario under one plan, with the vangnet rules its money needs."""

    scenario: Scenario
    plan: Plan
    rules: Mapping[int, Any]


Engine = Callable[..., Any]
"""run_replication(scenario, plan, seed, replication=, record_events=) -> ReplicationResult."""
Reducer = Callable[[Scenario, Plan, np.random.SeedSequence, Any], Any]
"""reducer(scenario, plan, seed, result) -> a value that adds up over replications (e.g. an array)."""


@dataclass(frozen=True)
class _Job:
    """What a worker needs besides its replications: pickled once per run and kept by each worker
    (`_held`), so a chunk carries only its seeds. Functions travel as functions (by reference)."""

    cases: tuple[_Case, ...]
    frames: tuple[str, ...]
    record_events: bool
    engine: Engine | None = None      # None: sim.engine.run_replication
    reducer: Reducer | None = None    # sum reducer(scenario, plan, seed, result) instead of frames
    token: str = field(default_factory=lambda: uuid.uuid4().hex)


Item = tuple[int, int, np.random.SeedSequence]
"""(case, replication, seed) of one simulation."""


def _engine(job: _Job) -> Engine:
    if job.engine is not None:
        return job.engine
    from sporen.sim.engine import run_replication

    return run_replication


def _simulate_chunk(job: _Job, items: Sequence[Item], on_done: Callable[[], None] | None = None,
                    ) -> dict[int, dict[str, Any]]:
    """Simulate a chunk of (case, replication, seed) items; per case, compact arrays (`sim.packed`).

    Items of one case are simulated together: their yearly money is computed at once (one vangnet
    table) and their KPI rows are collected once."""
    by_case: dict[int, list[tuple[int, np.random.SeedSequence]]] = {}
    for case, replication, seed in items:
        by_case.setdefault(case, []).append((replication, seed))
    return {case: _simulate_case(job, job.cases[case], chosen, on_done) for case, chosen in by_case.items()}


def _simulate_case(job: _Job, case: _Case, items: Sequence[tuple[int, np.random.SeedSequence]],
                   on_done: Callable[[], None] | None) -> dict[str, Any]:
    run_replication = _engine(job)
    if job.reducer is not None:
        total: Any = 0
        for replication, seed in items:
            result = run_replication(case.scenario, case.plan, seed, replication=replication, record_events=False)
            total = total + job.reducer(case.scenario, case.plan, seed, result)
            if on_done is not None:
                on_done()
        return {"sum": total}
    money = MoneyModel(case.scenario, case.plan, case.rules)
    horizon = money.horizon
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in ("monthly", "spells", "events") if name in job.frames}
    kept: list[tuple[int, Any, Any]] = []
    for replication, seed in items:
        result = run_replication(case.scenario, case.plan, seed, replication=replication,
                                 record_events=job.record_events)
        kept.append((replication, money.totals(result.monthly),
                     (result.spells, result.initial) if "kpis" in job.frames else None))
        for name, frames in parts.items():
            frame = getattr(result, name)
            if frame is not None:
                frames.append(frame)
        if on_done is not None:
            on_done()
    replications = [replication for replication, _, _ in kept]
    out: dict[str, Any] = {"replications": np.asarray(replications, dtype=np.int64)}
    for name, frames in parts.items():
        if frames:
            out[name] = packed.pack_frames(frames)
    if "yearly" in job.frames or "kpis" in job.frames:
        arrays = money.yearly_arrays([totals for _, totals, _ in kept])
        if "yearly" in job.frames:
            out["yearly"] = {name: arrays[name] for name in MONEY_COLUMNS}
        if "kpis" in job.frames:
            rows = KpiRows()
            for r, (replication, totals, (spells, initial)) in enumerate(kept):
                rows.current = replication
                deficits = {name: arrays[name][r] for name in ("spending", "buig_budget", "vangnet")}
                add_kpis(rows, totals, horizon.year_of_month, horizon.years, spells, initial, deficits,
                         case.scenario.months)
            counts = Counter(rows.replication)
            out["kpis"] = packed.pack_frames([rows.frame()], [counts.get(r, 0) for r in replications])
    return out


_HELD: OrderedDict[str, _Job] = OrderedDict()
HELD_JOBS = 4
"""Jobs a worker process keeps (the latest ones): a run's chunks find their job there."""


def _held(token: str, payload: bytes) -> _Job:
    """The job of this token as this worker keeps it; unpickled on the worker's first chunk only."""
    job = _HELD.get(token)
    if job is None:
        job = pickle.loads(payload)
        _HELD[token] = job
        while len(_HELD) > HELD_JOBS:
            _HELD.popitem(last=False)
    return job


def _worker_chunk(token: str, payload: bytes, items: Sequence[Item]) -> dict[int, dict[str, Any]]:
    """A local worker's task: its kept job, then the chunk."""
    return _simulate_chunk(_held(token, payload), items)


# -- local processes ---------------------------------------------------------------------------
_POOLS: dict[int, ProcessPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()
WATCHDOG_SECONDS = 0.5
"""How often a worker checks that the process that started it is still there."""
CHECK_SECONDS = 0.25
"""How often the main process looks up from waiting for workers (to notice an interruption)."""
STOP_SECONDS = 5.0
"""How long an interrupted run waits for its killed workers to be gone."""
_PR_SET_PDEATHSIG = 1


def _mp_context() -> multiprocessing.context.BaseContext:
    """fork (fast) when this process runs no other threads (tqdm's idle monitor aside), else
    forkserver: forking a process whose threads may hold locks can deadlock the child."""
    methods = multiprocessing.get_all_start_methods()
    others = [t for t in threading.enumerate() if t is not threading.main_thread() and type(t).__name__ != "TMonitor"]
    if "fork" in methods and not others:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def _exit_with_parent() -> None:
    """Linux: the kernel kills this process when its parent dies (prctl PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _watchdog(parent: int, main: int) -> None:
    """Exit at once when the parent is gone (this process was handed to another) or the main process is."""
    while True:
        time.sleep(WATCHDOG_SECONDS)
        if os.getppid() != parent or not _alive(main):
            os._exit(1)


def _alive(pid: int) -> bool:
    """The process exists and has not exited (a zombie waiting for its parent counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return True


def _worker_init(main: int, parent: int | None = None) -> None:
    """Start of every worker process: die with sporen, never on its own terms.

    Ctrl-C reaches the whole process group: the worker ignores it and sporen stops it. SIGTERM
    gets its default action (sporen's handler was inherited through fork). The kernel kills the
    worker when its parent dies (Linux), and a watchdog thread exits when the parent or the main
    process is gone (any platform; also covers the forkserver, the workers' parent there)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _exit_with_parent()
    if (parent is not None and os.getppid() != parent) or not _alive(main):
        os._exit(1)   # the parent died before the line above could take effect
    threading.Thread(target=_watchdog, args=(os.getppid(), main), name="sporen-watchdog", daemon=True).start()


def _pool(workers: int) -> ProcessPoolExecutor:
    with _POOLS_LOCK:
        pool = _POOLS.get(workers)
        if pool is None:
            context = _mp_context()
            parent = None if context.get_start_method() == "forkserver" else os.getpid()   # else: the forkserver
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init,
                                       initargs=(os.getpid(), parent))
            _POOLS[workers] = pool
        return pool


def shutdown_pools() -> None:
    """Stop the kept worker pools (also done at exit)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown_pools)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """SIGKILL every worker of a pool and wait (at most STOP_SECONDS) until they are gone.

    Not `shutdown(wait=True)`: a worker stopped mid-write can leave the pool's pipes in a state
    where joining its threads never returns."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.kill()
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(max(0.0, deadline - time.monotonic()))


def _drop_pool(workers: int, pool: ProcessPoolExecutor, kill: bool = False) -> None:
    """Forget a pool; with `kill`, stop its busy workers now (Ctrl-C should not wait for them)."""
    with _POOLS_LOCK:
        if _POOLS.get(workers) is pool:
            del _POOLS[workers]
    if kill:
        manager = getattr(pool, "_executor_manager_thread", None)
        _kill_workers(pool)
        pool.shutdown(wait=False)   # not cancel_futures: the pool's own thread fails every pending future now
        if manager is not None:     # let that thread finish its clean-up before the interpreter's exit does
            manager.join(STOP_SECONDS)
        return
    pool.shutdown(wait=True, cancel_futures=True)


Output = dict[int, dict[str, Any]]
"""A chunk's result: per case, its compact arrays (see `_simulate_case`)."""


def _every(results: list[Output | None]) -> list[Output]:
    """The chunks' results in order, once every chunk has returned (an unfinished chunk raised before)."""
    done = [r for r in results if r is not None]
    if len(done) != len(results):
        raise RuntimeError(f"{len(results) - len(done)} chunks returned no result")
    return done


def _run_local(job: _Job, chunks: list[list[Item]], workers: int, bar: Any) -> list[Output]:
    results: list[Output | None] = [None] * len(chunks)
    if workers <= 1 or len(chunks) <= 1:
        def one_done() -> None:
            interrupt.check()
            bar.update(1)

        for i, items in enumerate(chunks):
            results[i] = _simulate_chunk(job, items, on_done=one_done)
        return _every(results)
    pool = None
    futures = {}
    payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)   # once per run, not per chunk
    try:
        pool = _pool(workers)
        futures = {pool.submit(_worker_chunk, job.token, payload, items): i for i, items in enumerate(chunks)}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=CHECK_SECONDS, return_when=FIRST_COMPLETED)
            interrupt.check()
            for future in done:
                i = futures[future]
                results[i] = future.result()
                bar.update(len(chunks[i]))
    except BrokenProcessPool:
        if pool is not None:
            _drop_pool(workers, pool, kill=True)
        raise
    except BaseException as exc:
        if pool is not None and not isinstance(exc, Exception):   # Ctrl-C, SIGTERM, SystemExit: stop now
            _drop_pool(workers, pool, kill=True)
        else:
            for future in futures:
                future.cancel()
        raise
    return _every(results)


# -- Dask --------------------------------------------------------------------------------------
def connect(scheduler: str, timeout: float | None = None) -> Any:
    """A `distributed.Client` on the scheduler; InputError naming the address if unreachable
    within `timeout` seconds (default SCHEDULER_TIMEOUT)."""
    timeout = SCHEDULER_TIMEOUT if timeout is None else timeout
    try:
        from distributed import Client
    except ImportError:
        raise InputError([Problem("--backend", "", "dask is not installed",
                                  "pip install 'sporen[dask]', or --backend local")]) from None
    try:
        return Client(scheduler, timeout=timeout, set_as_default=False)
    except Exception as exc:   # OSError, TimeoutError, ValueError for a malformed address, ...
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError([Problem(str(scheduler), "", f"cannot reach the Dask scheduler within {timeout:g} s "
                                  f"({reason})", "the address of a running scheduler, e.g. tcp://10.0.0.5:8786")
                          ]) from None


@contextlib.contextmanager
def session(backend: str = "local", scheduler: Any = None, timeout: float | None = None) -> Iterator[Any]:
    """Connect once for a job that simulates many times: yields the `scheduler` argument for
    `simulate_seeds` (a `distributed.Client` for ``dask``, None for ``local``) and closes what it opened."""
    if backend != "dask":
        yield None
        return
    if scheduler is None:
        raise InputError([Problem("--scheduler", "", "the dask backend needs a scheduler address",
                                  "--scheduler tcp://HOST:8786")])
    if not isinstance(scheduler, str):
        yield scheduler
        return
    client = connect(scheduler, timeout)
    try:
        yield client
    finally:
        client.close()


def _dask_threads(client: Any) -> int:
    try:
        return max(1, sum(client.nthreads().values()))
    except Exception:
        return 1


def _run_dask(job: _Job, chunks: list[list[Item]], client: Any, bar: Any) -> list[Output]:
    from distributed import as_completed

    results: list[Output | None] = [None] * len(chunks)
    scattered = client.scatter(job, broadcast=True, hash=False)
    futures = [client.submit(_simulate_chunk, scattered, items, pure=False) for items in chunks]
    index = {future.key: i for i, future in enumerate(futures)}
    try:
        for future in as_completed(futures, loop=client.loop):
            i = index[future.key]
            results[i] = future.result()
            bar.update(len(chunks[i]))
    except BaseException:
        client.cancel(futures)
        raise
    return _every(results)


# -- the public entry points ---------------------------------------------------------------------
def check_inputs(scenario: Scenario, plan: Plan, rules: Mapping[int, Any], scenario_file: str = "scenario",
                 plan_file: str = "plan") -> None:
    """Raise InputError with every problem that would stop a run (plan and money), before simulating."""
    problems = [Problem(plan_file, p, m, a) for p, m, a in check_plan(plan, scenario)]
    problems += money_problems(scenario, rules, scenario_file)
    if problems:
        raise InputError(problems)


BYTES_PER_ROW = {"spells": 200, "monthly": 400, "events": 60}
"""Memory per stacked row while the frames are built (a little over twice what the rows keep)."""


def memory_estimate(scenario: Scenario, replications: int, frames: Sequence[str]) -> int:
    """Bytes the stacked frames of a run need, roughly: spells per client (at the start and every
    application that can arrive), monthly rows per month x municipality x track x segment, and for
    the event log about five events per client."""
    clients = sum(sum(m.initial_stock.values()) for m in scenario.municipalities) + application_draws(scenario)
    per_replication = 0.0
    if "spells" in frames:
        per_replication += clients * BYTES_PER_ROW["spells"]
    if "events" in frames:
        per_replication += 5 * clients * BYTES_PER_ROW["events"]
    if "monthly" in frames:
        cells = len(scenario.municipalities) * len(scenario.tracks) * len(scenario.segments)
        per_replication += scenario.months * cells * BYTES_PER_ROW["monthly"]
    return int(per_replication * replications)


def _physical_memory() -> int | None:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(scenario: Scenario, replications: int, frames: Sequence[str]) -> None:
    """InputError (naming --replications) when the run's tables would not fit in this computer's
    memory: better a clear refusal now than a run the system kills an hour from now."""
    physical = _physical_memory()
    need = memory_estimate(scenario, replications, frames)
    if physical is None or need <= 0.8 * physical:
        return
    most = max(1, int(replications * 0.8 * physical / need))
    raise InputError([Problem("--replications", "", f"{replications:,} replications of this scenario need about "
                              f"{need / 2**30:,.0f} GB of memory for their tables; this computer has "
                              f"{physical / 2**30:,.0f} GB", f"at most about {most:,} replications here")])


def _chunks(items: Sequence[Item], parallel: int) -> list[list[Item]]:
    """About CHUNKS_PER_WORKER chunks per worker, each a run of consecutive items."""
    items = list(items)
    size = max(1, math.ceil(len(items) / (max(1, parallel) * CHUNKS_PER_WORKER)))
    return [items[i:i + size] for i in range(0, len(items), size)]


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(total: int, enabled: bool) -> Any:
    """A tqdm bar on stderr, without tqdm's monitor thread (a thread would rule out fork)."""
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    class Bar(tqdm):
        monitor_interval = 0

    return Bar(total=total, file=sys.stderr, unit="rep", desc=text("progress.simulate", display_language()),
               dynamic_ncols=True, leave=False)


def _no_replications() -> InputError:
    return InputError([Problem("--replications", "", "no replications asked for", "at least 1")])


def reduce_seeds(
    scenario: Scenario,
    plan: Plan | None,
    seeds: Sequence[np.random.SeedSequence],
    reducer: Reducer,
    *,
    workers: int | None = 1,
    backend: str = "local",
    scheduler: Any = None,
    progress: bool = False,
) -> Any:
    """The sum over the seeds of ``reducer(scenario, plan, seed, result)`` (e.g. an array of counts),
    computed where the replications run, so only the sums travel back. `reducer` is a module-level
    function (passed by reference to the workers). Used by the calibration, which needs a few counts
    of many candidate scenarios rather than whole frames."""
    plan = plan if plan is not None else baseline_plan(scenario)
    if not seeds:
        raise _no_replications()
    job = _Job((_Case(scenario, plan, {}),), (), False, reducer=reducer)
    outputs = _dispatch(job, seeds, workers, backend, scheduler, progress, None)
    return sum((out[0]["sum"] for out in outputs if 0 in out), start=0)


def _dispatch(job: _Job, seeds: Sequence[np.random.SeedSequence], workers: int | None, backend: str,
              scheduler: Any, progress: bool, scheduler_timeout: float | None) -> list[Output]:
    """Run every case on every seed, in chunks on the chosen backend; the chunks' outputs in order."""
    if backend not in BACKENDS:
        raise InputError([Problem("--backend", "", f"unknown backend {backend!r}", "local or dask")])
    client, own_client = None, False
    if backend == "dask":
        if scheduler is None:
            raise InputError([Problem("--scheduler", "", "the dask backend needs a scheduler address",
                                      "--scheduler tcp://HOST:8786")])
        if isinstance(scheduler, str):
            client, own_client = connect(scheduler, scheduler_timeout), True
        else:
            client = scheduler
        parallel = _dask_threads(client)
    else:
        parallel = workers if workers is not None else (os.cpu_count() or 1)
        if parallel < 1:
            raise InputError([Problem("--workers", "", f"{parallel} workers", "at least 1")])
    items = [(c, i, seed) for c in range(len(job.cases)) for i, seed in enumerate(seeds)]
    chunks = _chunks(items, parallel)
    bar = _progress_bar(len(items), progress)
    try:
        if client is not None:
            return _run_dask(job, chunks, client, bar)
        return _run_local(job, chunks, parallel, bar)
    finally:
        bar.close()
        if own_client and client is not None:
            client.close()


def _result(job: _Job, case: int, outputs: Sequence[Output], seeds: Sequence[np.random.SeedSequence]) -> RunResult:
    """The stacked frames of one case from the chunks' compact arrays (replication order kept)."""
    parts = [out[case] for out in outputs if case in out]
    result = RunResult(seeds=list(seeds))
    for name in job.frames:
        if name == "yearly":
            the = job.cases[case]
            money = MoneyModel(the.scenario, the.plan, the.rules)
            arrays = {column: np.concatenate([p["yearly"][column] for p in parts]) for column in MONEY_COLUMNS}
            result.yearly = money.frame(arrays, np.concatenate([p["replications"] for p in parts]).tolist())
            continue
        pieces = [(p["replications"], p[name]) for p in parts if name in p]
        if pieces:
            setattr(result, name, packed.unpack(pieces))
        elif name == "events":
            from sporen.sim.results import EVENT_COLUMNS

            setattr(result, name, pd.DataFrame(columns=["replication", *EVENT_COLUMNS]))
    return result


def _checked_frames(frames: Sequence[str] | None, record_events: bool) -> tuple[str, ...]:
    if frames is None:
        frames = DEFAULT_FRAMES + (("events",) if record_events else ())
    unknown = [f for f in frames if f not in FRAMES]
    if unknown:
        raise ValueError(f"unknown frames {unknown} (allowed: {', '.join(FRAMES)})")
    return tuple(f for f in FRAMES if f in frames)


def simulate_cases(
    cases: Sequence[tuple[Scenario, Plan | None]],
    seeds: Sequence[np.random.SeedSequence],
    *,
    workers: int | None = 1,
    backend: str = "local",
    scheduler: Any = None,
    record_events: bool = False,
    progress: bool = False,
    frames: Sequence[str] | None = None,
    rules: Sequence[Mapping[int, Any] | None] | None = None,
    scheduler_timeout: float | None = None,
) -> list[RunResult]:
    """Every (scenario, plan) case on every seed in one dispatch: one RunResult per case, each as
    `simulate_seeds` gives it (replication i = seeds[i]). `rules[k]`: case k's vangnet rules."""
    chosen = _checked_frames(frames, record_events)
    if not seeds:
        raise _no_replications()
    built = []
    for k, (scenario, plan) in enumerate(cases):
        plan = plan if plan is not None else baseline_plan(scenario)
        given = rules[k] if rules is not None else None
        case_rules = given if given is not None else load_rules(scenario)
        check_inputs(scenario, plan, case_rules)
        built.append(_Case(scenario, plan, dict(case_rules)))
    if built:
        check_memory(built[0].scenario, len(seeds) * len(built), chosen)
    job = _Job(tuple(built), chosen, record_events)
    outputs = _dispatch(job, seeds, workers, backend, scheduler, progress, scheduler_timeout) if built else []
    return [_result(job, k, outputs, seeds) for k in range(len(built))]


def simulate_seeds(
    scenario: Scenario,
    plan: Plan | None,
    seeds: Sequence[np.random.SeedSequence],
    *,
    workers: int | None = 1,
    backend: str = "local",
    scheduler: Any = None,
    record_events: bool = False,
    progress: bool = False,
    frames: Sequence[str] | None = None,
    rules: Mapping[int, Any] | None = None,
    scheduler_timeout: float | None = None,
) -> RunResult:
    """Simulate one replication per seed (replication i = seeds[i]) and stack the frames."""
    return simulate_cases([(scenario, plan)], seeds, workers=workers, backend=backend, scheduler=scheduler,
                          record_events=record_events, progress=progress, frames=frames, rules=[rules],
                          scheduler_timeout=scheduler_timeout)[0]


def run(
    scenario: Scenario,
    plan: Plan | None = None,
    replications: int = 100,
    seed: int | None = 0,
    workers: int | None = None,
    backend: str = "local",
    scheduler: Any = None,
    record_events: bool = False,
    progress: bool = True,
    frames: Sequence[str] | None = None,
    rules: Mapping[int, Any] | None = None,
    scheduler_timeout: float | None = None,
) -> RunResult:
    """Simulate `replications` replications with seeds `SeedSequence(seed).spawn(replications)`.

    `workers` defaults to every CPU (local backend); `workers=1` runs in this process. `frames`
    chooses which stacked frames to build (default monthly, yearly, kpis, spells, plus events when
    `record_events`). Raises InputError for bad input (plan, budgets, vangnet rules, scheduler).
    """
    if not isinstance(replications, (int, np.integer)) or isinstance(replications, bool) or replications < 1:
        raise InputError([Problem("--replications", "", f"{replications!r} replications",
                                  "a whole number of at least 1")])
    root = np.random.SeedSequence(seed)
    seeds = root.spawn(int(replications))
    result = simulate_seeds(scenario, plan, seeds, workers=workers, backend=backend, scheduler=scheduler,
                            record_events=record_events, progress=progress, frames=frames, rules=rules,
                            scheduler_timeout=scheduler_timeout)
    if seed is None:
        entropy = root.entropy
        assert isinstance(entropy, int), "SeedSequence(None) draws an int entropy"
        seed = entropy
    result.seed = seed
    return result


def compare(a: RunResult, b: RunResult, frame: str = "yearly", by: Sequence[str] | None = None,
            values: Sequence[str] | str | None = None) -> pd.DataFrame:
    """Paired differences b - a of two runs on the same seeds (see `sim.stats.paired_difference`).

    Defaults: yearly money per year and municipality, every money column; for "kpis" the value per
    kpi, municipality and year.
    """
    from sporen.sim.money import MONEY_COLUMNS
    from sporen.sim.stats import paired_difference

    keys_a = [(s.entropy, tuple(s.spawn_key)) for s in a.seeds]
    keys_b = [(s.entropy, tuple(s.spawn_key)) for s in b.seeds]
    if keys_a != keys_b:
        raise ValueError("the runs were not made on the same seeds, so they are not paired (allowed: the same "
                         "seed and number of replications)")
    if by is None:
        by = ["kpi", "municipality", "year"] if frame == "kpis" else ["year", "municipality"]
    if values is None:
        values = ["value"] if frame == "kpis" else MONEY_COLUMNS
    fa, fb = a.frame(frame), b.frame(frame)
    if fa is None or fb is None:
        raise ValueError(f"frame {frame!r} was not built in both runs")
    return paired_difference(fa, fb, by, values)
