"""Replications (sim/runner.py, sim/api.py) on the real engine: seeds, backends, byte-identical frames."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sporen.common.errors import InputError
from sporen.inputs.load import load_scenario
from sporen.inputs.plan import Plan, StaffLevel
from sporen.sim.api import evaluate
from sporen.sim.money import YEARLY_COLUMNS
from sporen.sim.results import MONTHLY_COLUMNS, SPELL_COLUMNS
from sporen.sim.runner import FRAMES, compare, run

TINY = Path(__file__).parent / "data" / "tiny.yaml"
FRAME_NAMES = ("monthly", "yearly", "kpis", "spells", "events")


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
