"""`sporen monitor` end to end on the tiny scenario: the run folder (tables, workbook, report), the
flag in words in either language, the same bytes for the same seed, and bad actuals refused with
exit 2, one line per problem and nothing written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner
from openpyxl import load_workbook

from sporen import cli

TINY = "tests/data/tiny.yaml"
ACTUALS = """maand;gemeente;bestand;instroom;uitstroom;uitgaven
2018-01;Noord;68;;;€ 78.000
2018-01;Zuid;50;;;
2018-02;Noord;67;3;4;€ 77.500
2018-02;Zuid;49;;;
2018-03;Noord;40;;;
2018-03;Zuid;49;;;
"""


def monitor(tmp_path: Path, *extra: str, actuals: str = ACTUALS, out: str = "run") -> tuple[int, str, Path]:
    path = tmp_path / "werkelijk.csv"
    path.write_text(actuals, encoding="utf-8")
    target = tmp_path / out
    result = CliRunner().invoke(cli.main, ["monitor", TINY, "--actuals", str(path), "-n", "10", "--workers", "1",
                                           "--seed", "5", "--out", str(target), *extra])
    return result.exit_code, result.stdout if result.exit_code == 0 else result.output, target


def test_the_run_folder_and_the_flag(tmp_path: Path) -> None:
    code, output, run = monitor(tmp_path)
    assert code == 0, output
    # Noord's 40 clients in 2018-03 are far below anything the plan foresaw: the flag says so, in Dutch
    assert output.startswith("Let op: ") and "Noord 2018-03: bestand 40 (band " in output
    assert "2019: BUIG-resultaat na vangnet volgens de herprognose" in output
    names = {p.name for p in run.iterdir()}
    assert {"monitor.csv", "monitor_months.csv", "plan_yearly.csv", "reforecast_yearly.csv", "realised.csv",
            "results.xlsx", "report.html", "manifest.json", "timing.json"} <= names
    table = pd.read_csv(run / "monitor.csv")
    assert set(table["year"]) == {2018, 2019} and set(table["municipality"]) == {"Noord", "Zuid", "all"}
    spending = table[(table["measure"] == "spending") & (table["municipality"] == "all")].set_index("year")
    assert (spending["reforecast_p05"] <= spending["reforecast_p50"]).all()
    assert (spending["reforecast_p50"] <= spending["reforecast_p95"]).all()
    months = pd.read_csv(run / "monitor_months.csv")
    flagged = months[months["outside"]]
    assert ("2018-03", "Noord", "caseload") in set(zip(flagged["month"], flagged["municipality"], flagged["measure"],
                                                       strict=True))
    assert set(months["measure"]) == {"caseload", "inflow", "outflow", "spending"}
    realised = pd.read_csv(run / "realised.csv").set_index(["month", "municipality"])
    assert realised.loc[("2018-02", "Noord"), "spending"] == 77500 and realised.loc[("2018-02", "Noord"),
                                                                                      "spending_given"]
    book = load_workbook(run / "results.xlsx", read_only=True)
    assert book.sheetnames == ["Op koers", "Herprognose", "Werkelijk tegen band"]
    assert book["Op koers"]["A3"].value.startswith("Let op: ")
    report = (run / "report.html").read_text(encoding="utf-8")
    assert "Koerscontrole tiny" in report and "Let op:" in report and 'id="fig-monitor"' in report


def test_english_and_the_same_bytes_for_the_same_seed(tmp_path: Path) -> None:
    code, output, first = monitor(tmp_path, "--lang", "en", "-q", out="a")
    assert code == 0 and output == ""
    code, output, second = monitor(tmp_path, "--lang", "en", out="b")
    assert code == 0 and output.startswith("Note: ") and "2018 BUIG" not in output
    for name in ("monitor.csv", "monitor_months.csv", "reforecast_yearly.csv", "plan_yearly.csv", "report.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_bad_actuals_exit_2_and_nothing_written(tmp_path: Path) -> None:
    bad = ACTUALS.replace("2018-02;Zuid;49;;;", "2018-02;Oost;49;;;").replace("2018-01;Noord;68", "2018-01;Noord;-1")
    code, output, run = monitor(tmp_path, actuals=bad)
    assert code == 2 and "Traceback" not in output
    lines = output.strip().splitlines()
    assert any("werkelijk.csv: row 2.caseload: -1 is negative" in line for line in lines)
    assert any("werkelijk.csv: row 5.gemeente: unknown municipality 'Oost'" in line for line in lines)
    assert all(line.startswith("error: ") for line in lines)
    assert not run.exists()
