"""`sporen convert`: a scenario between YAML and the scenario workbook, by the files' extensions."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from sporen.inputs.schema import Scenario
from sporen.inputs.workbook import convert_scenario
from sporen.jobs.options import JobOptions


class ConvertOptions(JobOptions):
    src: Path
    dest: Path
    lang: Literal["nl", "en"] | None = None   # the workbook's instructions and explanations; default: the scenario's


def run_convert(options: ConvertOptions) -> Scenario:
    """Write DEST whole from SRC; return the scenario. InputError for bad input."""
    return convert_scenario(str(options.src), str(options.dest), lang=options.lang)
