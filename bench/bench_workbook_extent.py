"""Benchmark of reading a scenario workbook whose sheet extends far beyond its data:
`python bench/bench_workbook_extent.py [ROWS]`.

Writes the tiny scenario's workbook, then two copies with ROWS (default 20,000) extra rows on the
initial-stock sheet that reach column XFD (16,384): one with a formatted but empty cell there
(Excel keeps such cells), one with a value there. Each is read in a fresh process (the loader for
the first, the workbook reader for the second); prints the CPU seconds and peak memory of each
process, the machine and the date. A reader that pads every row to the sheet's width makes
ROWS x 16,384 cells of each.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny.yaml"
READ = """
import resource, sys
from sporen.common.errors import InputError
from sporen.inputs.load import load_scenario
try:
    load_scenario(sys.argv[1])
    answer = "read"
except InputError as exc:
    answer = f"refused, {len(exc.problems)} problem lines"
usage = resource.getrusage(resource.RUSAGE_SELF)
print(f"{answer}: {usage.ru_utime + usage.ru_stime:.2f} s CPU, {usage.ru_maxrss / 1024:.0f} MB peak")
"""


def _extended(source: Path, dest: Path, rows: int, value: str | None) -> Path:
    book = openpyxl.load_workbook(source)
    sheet = next(ws for ws in book.worksheets if [c.value for c in ws[1]][:3] == ["municipality", "segment",
                                                                                 "clients"])
    bold = Font(bold=True)
    for row in range(sheet.max_row + 1, sheet.max_row + rows + 1):
        sheet.cell(row=row, column=16_384, value=value).font = bold
    book.save(dest)
    return dest


def main() -> None:
    from sporen.inputs.load import load_scenario
    from sporen.inputs.workbook import export_workbook

    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    print(f"{platform.node()} {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"{dt.datetime.now():%Y-%m-%d %H:%M}, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "tiny.xlsx"
        export_workbook(load_scenario(TINY), base)
        for label, value in (("formatted empty cells", None), ("values", "x")):
            path = _extended(base, Path(tmp) / f"{label[0]}.xlsx", rows, value)
            result = subprocess.run([sys.executable, "-c", READ, str(path)], capture_output=True, text=True,
                                    check=True)
            print(f"{rows:,} rows reaching XFD with {label} ({path.stat().st_size / 1e3:.0f} kB): "
                  f"{result.stdout.strip()}")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"(this process, writing the workbooks: {usage.ru_utime:.1f} s CPU)")


if __name__ == "__main__":
    main()
