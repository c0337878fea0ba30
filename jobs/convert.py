"""`sporen convert`: a scenario between YAML and the scenario workbook, by the files' extensions."""

from __future__ import annotations

from pathlib import Path

from sporen.inputs.schema import Scenario
from sporen.inputs.workbook import convert_scenario
from sporen.jobs.options import ConvertOptions, check_out_file, raise_problems, yaml_by_sporen


def _ours(path: Path) -> bool:
    """A scenario file sporen wrote: a YAML with sporen's comment header, a workbook sporen made."""
    if path.suffix.lower() in (".yaml", ".yml"):
        return yaml_by_sporen(path)
    return b"<dc:creator>sporen</dc:creator>" in _core_properties(path)


def _core_properties(path: Path) -> bytes:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read("docProps/core.xml")[:65536]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return b""


def run_convert(options: ConvertOptions) -> Scenario:
    """Write DEST whole from SRC; return the scenario. InputError for bad input (DEST may not be
    SRC, nor a file sporen did not write)."""
    raise_problems(check_out_file(options.dest, "file", [options.src], _ours))
    return convert_scenario(str(options.src), str(options.dest), lang=options.lang)
