"""The page's monitor panel (jobs/whatif/monitor.py): actuals from the browser re-forecast under the
page's plan on the page's futures -- the same numbers as `sporen monitor` with that plan, futures
and seed -- and bad uploads named as the browser called them, never by a server path."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sporen import cli
from sporen.common.errors import InputError
from sporen.inputs.load import load_scenario
from sporen.inputs.plan import Plan, StaffLevel
from sporen.jobs.whatif.evaluate import Futures
from sporen.jobs.whatif.monitor import monitor_upload

TINY = Path(__file__).resolve().parent / "data" / "tiny.yaml"
ACTUALS = "maand;gemeente;bestand\n2018-01;Noord;68\n2018-01;Zuid;50\n2018-02;Noord;30\n2018-02;Zuid;49\n"
PLAN = Plan(name="more", staff={"km_werk": StaffLevel(fte=2.0, arrives="2018-04")})


@pytest.fixture(scope="module")
def futures() -> Futures:
    return Futures(load_scenario(TINY), futures=10, seed=4, workers=1)


def test_the_page_equals_sporen_monitor(futures: Futures, tmp_path: Path) -> None:
    upload = tmp_path / "0"   # the browser's file as the server stores it: no extension
    upload.write_text(ACTUALS, encoding="utf-8")
    view = monitor_upload(futures, PLAN, None, upload, "C:\\Users\\planner\\werkelijk.csv", "nl")
    assert view.outside and view.flag.startswith("Let op: ") and "Noord 2018-02: bestand 30" in view.flag
    assert view.svg.startswith("<svg") and len(view.years) == 2 and view.last_month == "2018-02"
    (tmp_path / "werkelijk.csv").write_text(ACTUALS, encoding="utf-8")
    (tmp_path / "plan.yaml").write_text("name: more\nstaff:\n  km_werk: {fte: 2.0, arrives: 2018-04}\n",
                                        encoding="utf-8")
    result = CliRunner().invoke(cli.main, ["monitor", str(TINY), "--actuals", str(tmp_path / "werkelijk.csv"),
                                           "--plan", str(tmp_path / "plan.yaml"), "-n", "10", "--seed", "4",
                                           "--workers", "1", "--out", str(tmp_path / "run"), "-q"])
    assert result.exit_code == 0, result.output
    written = pd.read_csv(tmp_path / "run" / "monitor.csv")
    for column in ("reforecast_mean", "reforecast_p05", "reforecast_p95", "plan_mean"):
        assert written[column].to_numpy() == pytest.approx(view.table[column].to_numpy(), rel=1e-9)


def test_bad_uploads_name_the_browsers_file(futures: Futures, tmp_path: Path) -> None:
    upload = tmp_path / "0"
    upload.write_text(ACTUALS.replace("Zuid;49", "Zuid;-49"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        monitor_upload(futures, Plan(), None, upload, "werkelijk.csv", "nl")
    assert [str(p) for p in caught.value.problems] == ["werkelijk.csv: row 5.caseload: -49 is negative (>= 0)"]
    upload.write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(InputError) as caught:
        monitor_upload(futures, Plan(), None, upload, "werkelijk.xlsx", "nl")
    assert caught.value.problems[0].file == "werkelijk.xlsx" and str(tmp_path) not in str(caught.value)
