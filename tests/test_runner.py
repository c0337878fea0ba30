"""Replications (sim/runner.py, sim/api.py) on the real engine: seeds, backends, byte-identical frames;
the futures core (sim/futures.py, sim/packed.py): streams, batch dispatch, the cache, compact frames."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sporen.common.errors import InputError
from sporen.inputs.load import load_scenario
from sporen.inputs.plan import Plan, StaffLevel
from sporen.sim import futures, packed
from sporen.sim.api import evaluate
from sporen.sim.money import YEARLY_COLUMNS
from sporen.sim.results import MONTHLY_COLUMNS, SPELL_COLUMNS
from sporen.sim.runner import FRAMES, compare, run, simulate_seeds

TINY = Path(__file__).parent / "data" / "tiny.yaml"
FRAME_NAMES = ("monthly", "yearly", "kpis", "spells", "events")
MORE_STAFF = Plan(name="more", staff={"km_werk": StaffLevel(fte=3.0, arrives="2018-01")})


@pytest.fixture(scope="module")
def tiny():
    return load_scenario(TINY)


@pytest.fixture(scope="module")
def serial(tiny):
    return run(tiny, replications=6, seed=42, workers=1, record_events=True, progress=False)


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    yield cluster
    cluster.close()


def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, float_format="%.10g", lineterminator="\n")


def _assert_identical(a, b):
    for name in FRAME_NAMES:
        fa, fb = getattr(a, name), getattr(b, name)
        assert (fa is None) == (fb is None), name
        if fa is not None:
            pd.testing.assert_frame_equal(fa, fb, check_exact=True, obj=name)
            assert _csv(fa) == _csv(fb), name


def test_frames_have_the_replication_column_first(serial, tiny):
    assert list(serial.monthly.columns) == ["replication", *MONTHLY_COLUMNS]
    assert list(serial.yearly.columns) == ["replication", *YEARLY_COLUMNS]
    assert list(serial.spells.columns) == ["replication", *SPELL_COLUMNS]
    assert list(serial.kpis.columns) == ["replication", "kpi", "municipality", "year", "value"]
    assert serial.events is not None and len(serial.events) > 0
    for name in FRAME_NAMES:
        assert list(pd.unique(getattr(serial, name)["replication"])) == list(range(6)), name
    assert len(serial.yearly) == 6 * 2 * 2
    assert serial.replications == 6
    assert serial.seed_records()[3] == {"replication": 3, "entropy": 42, "spawn_key": [3]}


def test_two_workers_give_identical_frames(serial, tiny):
    parallel = run(tiny, replications=6, seed=42, workers=2, record_events=True, progress=False)
    _assert_identical(serial, parallel)


def test_dask_gives_identical_frames(serial, tiny, dask_cluster):
    on_dask = run(tiny, replications=6, seed=42, backend="dask", scheduler=dask_cluster.scheduler_address,
                  record_events=True, progress=False)
    _assert_identical(serial, on_dask)


def test_many_cases_on_dask_give_identical_frames(tiny, dask_cluster):
    """One dispatch of two plans on Dask (the job scattered once to every worker) gives, byte for
    byte, what one process gives for each plan alone."""
    seeds = futures.SELECTION.seeds(42, 0, 4)
    frames = ("monthly", "yearly", "kpis", "spells")
    on_dask = futures.evaluate_many([(tiny, None), (tiny, MORE_STAFF)], seeds, frames=frames, backend="dask",
                                    scheduler=dask_cluster.scheduler_address)
    for got, plan in zip(on_dask, (None, MORE_STAFF), strict=True):
        _assert_identical(got, simulate_seeds(tiny, plan, seeds, workers=1, frames=frames))


def test_replication_i_always_gets_child_i(serial, tiny):
    children = np.random.SeedSequence(42).spawn(6)
    alone = evaluate(tiny, None, [children[4]], frames=("yearly", "monthly"))
    mine = serial.yearly[serial.yearly["replication"] == 4].drop(columns="replication").reset_index(drop=True)
    pd.testing.assert_frame_equal(alone.yearly.drop(columns="replication"), mine)
    longer = run(tiny, replications=8, seed=42, workers=2, progress=False, frames=("yearly",))
    pd.testing.assert_frame_equal(longer.yearly[longer.yearly["replication"] < 6].reset_index(drop=True),
                                  serial.yearly)
    other = run(tiny, replications=6, seed=43, workers=1, progress=False, frames=("yearly",))
    assert not other.yearly["spending"].equals(serial.yearly["spending"])


def test_evaluate_builds_only_the_frames_asked_for(tiny):
    seeds = np.random.SeedSequence(1).spawn(2)
    result = evaluate(tiny, Plan(), seeds, frames=("yearly",))
    assert result.yearly is not None and result.kpis is None and result.monthly is None
    assert set(FRAMES) == set(FRAME_NAMES)


def test_paired_comparison_of_two_plans(tiny):
    more_staff = Plan(staff={"km_werk": StaffLevel(fte=3.0, arrives="2018-01")})
    base = run(tiny, None, replications=8, seed=5, workers=1, progress=False, frames=("yearly",))
    extra = run(tiny, more_staff, replications=8, seed=5, workers=1, progress=False, frames=("yearly",))
    diff = compare(base, extra).set_index(["year", "municipality", "quantity"])
    personnel = diff.xs("personnel_cost", level="quantity")
    assert personnel["mean_diff"].sum() == pytest.approx(2 * 2 * 70000)     # 2 extra fte, two years
    assert personnel["significant"].all()
    assert (diff.xs("buig_budget", level="quantity")["mean_diff"] == 0).all()
    unpaired = run(tiny, more_staff, replications=8, seed=6, workers=1, progress=False, frames=("yearly",))
    with pytest.raises(ValueError, match="same seeds"):
        compare(base, unpaired)


def test_bad_input_raises_input_error(tiny):
    with pytest.raises(InputError, match="at least 1"):
        run(tiny, replications=0, progress=False)
    with pytest.raises(InputError, match="scheduler"):
        run(tiny, replications=2, backend="dask", progress=False)
    with pytest.raises(InputError, match="unknown role 'nobody'"):
        run(tiny, Plan(staff={"nobody": StaffLevel(fte=1.0)}), replications=2, workers=1, progress=False)


def test_unreachable_scheduler_names_the_address(tiny):
    pytest.importorskip("distributed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    with pytest.raises(InputError) as caught:
        run(tiny, replications=2, backend="dask", scheduler=address, progress=False, scheduler_timeout=1)
    assert address in str(caught.value)


def test_stacked_money_is_conserved(serial):
    monthly = serial.monthly.assign(year=serial.monthly["month"].str[:4].astype("int64"))
    spent = monthly.groupby(["replication", "year", "municipality"])[["benefit_cost", "subsidy_cost"]].sum()
    yearly = serial.yearly.set_index(["replication", "year", "municipality"])
    assert (yearly["spending"] == spent.sum(axis=1).loc[yearly.index]).all()
    assert (yearly["benefit_cost"] == spent["benefit_cost"].loc[yearly.index]).all()
    per_year = serial.yearly.groupby(["replication", "year"])["instrument_cost"].sum()
    from_monthly = monthly.groupby(["replication", "year"])["instrument_cost"].sum()
    assert (per_year == from_monthly.loc[per_year.index]).all()
    kpis = serial.kpis.set_index(["replication", "kpi", "municipality", "year"])["value"]
    for r in range(serial.replications):
        mine = serial.yearly[serial.yearly["replication"] == r]
        assert kpis[(r, "deficit_after_vangnet", "all", "all")] == -mine["result_after_vangnet"].sum()


# -- the futures core ---------------------------------------------------------------------------------


def _key(seed: np.random.SeedSequence) -> tuple:
    return seed.entropy, tuple(seed.spawn_key)


def test_selection_futures_are_what_simulate_draws() -> None:
    assert [_key(s) for s in futures.SELECTION.seeds(7, 0, 5)] == [_key(s) for s in np.random.SeedSequence(7).spawn(5)]
    assert [_key(s) for s in futures.PAGE.seeds(1, 0, 3)] == [_key(s) for s in np.random.SeedSequence(1).spawn(3)]
    assert futures.SELECTION.label(7, 40) == "SeedSequence(7) children 0-39"


def test_streams_are_disjoint_and_bounded() -> None:
    ranges = [(s.first, s.first + (s.size or 10**9)) for s in
              (futures.SELECTION, futures.verification(0), futures.verification(999), futures.sensitivity(0),
               futures.sensitivity(999))]
    ranges[0] = (0, futures.VERIFY_BASE)
    for a, (lo, hi) in enumerate(ranges):
        for lo2, hi2 in ranges[a + 1:]:
            assert hi <= lo2 or hi2 <= lo
    assert futures.report(3) == futures.verification(3)
    assert futures.verification(1).seeds(5, 0, 2)[1].spawn_key == (futures.VERIFY_BASE + futures.BLOCK + 1,)
    with pytest.raises(ValueError, match="block 1000"):
        futures.verification(1000)
    with pytest.raises(IndexError):
        futures.sensitivity(0).seed(5, futures.BLOCK)
    child = futures.SENSITIVITY_BASE + 2 * futures.BLOCK + 4
    assert futures.future_index(futures.sensitivity(2).seed(9, 4)) == (9, child)


def test_evaluate_many_is_each_case_alone(tiny) -> None:
    """One dispatch of two plans x five futures on two workers gives each plan's frames exactly."""
    seeds = futures.SELECTION.seeds(11, 0, 5)
    frames = ("yearly", "kpis", "monthly", "spells")
    both = futures.evaluate_many([(tiny, None), (tiny, MORE_STAFF)], seeds, workers=2, frames=frames)
    for batch, plan in zip(both, (None, MORE_STAFF), strict=True):
        alone = simulate_seeds(tiny, plan, seeds, workers=1, frames=frames)
        for name in frames:
            pd.testing.assert_frame_equal(getattr(batch, name), getattr(alone, name), check_exact=True, obj=name)
    assert not both[0].yearly.equals(both[1].yearly)


class Counting:
    """An EvaluateMany that counts the futures it simulates and forwards to the real one."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, cases, seeds, *, workers=1, progress=False, frames=futures.EVALUATE_FRAMES):
        self.calls.append((len(cases), len(seeds)))
        return futures.evaluate_many(cases, seeds, workers=workers, progress=progress, frames=frames)


def test_the_cache_simulates_only_what_is_missing(tiny) -> None:
    counting = Counting()
    cache = futures.FutureCache(counting, reduce=futures.yearly_arrays(["result_after_vangnet", "spending"]))
    seeds = futures.SELECTION.seeds(3, 0, 4)
    first = cache.values(tiny, [None, MORE_STAFF], seeds[:2])
    assert counting.calls == [(2, 2)]
    again = cache.values(tiny, [Plan(name="another name"), MORE_STAFF], seeds)   # the baseline under another name
    assert counting.calls == [(2, 2), (2, 2)]    # both plans, only futures 2 and 3
    assert cache.values(tiny, [None], seeds[1:3]) and counting.calls[-1] == (2, 2)
    assert cache.simulated == 8
    direct = simulate_seeds(tiny, MORE_STAFF, seeds, workers=1, frames=("yearly",)).yearly
    for i in range(4):
        mine = direct[direct["replication"] == i]
        assert again[1][i]["spending"].sum() == mine["spending"].sum()
    assert np.array_equal(first[0][1]["spending"], again[0][1]["spending"])
    assert again[1][0]["result_after_vangnet"].shape == (len(tiny.horizon_years), len(tiny.accounting_units))


def test_the_cache_keeps_at_most_its_capacity(tiny) -> None:
    cache = futures.FutureCache(futures.evaluate_many, capacity=3)
    seeds = futures.verification(0).seeds(3, 0, 4)
    assert len(cache.values(tiny, [None], seeds)[0]) == 4
    assert len(cache) == 3
    cache.values(tiny, [None], seeds[1:])
    assert cache.simulated == 4


def test_one_by_one_adapts_a_single_plan_evaluator(tiny) -> None:
    seen = []

    def evaluate(scenario, plan, seeds, *, workers=1, progress=False, frames=futures.EVALUATE_FRAMES):
        seen.append(plan)
        return futures.evaluate(scenario, plan, seeds, workers=workers, frames=frames)

    runs = futures.one_by_one(evaluate)([(tiny, None), (tiny, MORE_STAFF)], futures.SELECTION.seeds(1, 0, 2),
                                        frames=("yearly",))
    assert seen == [None, MORE_STAFF] and len(runs) == 2 and runs[0].kpis is None


texts = st.sampled_from(["Noord", "Zuid", "", None, float("nan")])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(-5, 5), texts, st.floats(allow_nan=True), st.booleans()),
                         max_size=5), min_size=1, max_size=4))
def test_packed_frames_come_back_unchanged(replications) -> None:
    frames = [pd.DataFrame(rows, columns=["n", "text", "x", "flag"]).astype({"n": "int64", "x": "float64",
                                                                            "flag": bool})
              for rows in replications]
    for f in frames:
        f["text"] = f["text"].astype(object)
        f["kind"] = pd.Categorical(["a"] * len(f), categories=["a", "b"])
    reps = np.arange(len(frames)) * 3
    halves = [(reps[:1], packed.pack_frames(frames[:1])), (reps[1:], packed.pack_frames(frames[1:]))] \
        if len(frames) > 1 else [(reps, packed.pack_frames(frames))]
    expected = pd.concat([f.assign(replication=r) for f, r in zip(frames, reps, strict=True)], ignore_index=True)
    expected = expected[["replication", "n", "text", "x", "flag", "kind"]]
    got = packed.unpack(halves)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    for a, b in zip(got["text"], expected["text"], strict=True):
        assert type(a) is type(b)
