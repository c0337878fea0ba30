"""What a person gets to read, declared once: the run folder, the table format, the language.

Field makers (`common.options.option`) that the commands compose (`jobs.options`): each command
says its own default folder name; the limits, flags and help are these.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from sporen.common.options import option

Format = Literal["csv", "parquet"]
Language = Literal["nl", "en"]


def out_folder_option(default_name: str) -> Any:
    """`--out DIR`: the run folder, replaced only when the run succeeds; `default_name` says the default."""
    return option(None, help=f"Output folder (replaced when the run succeeds). Default: {default_name}.",
                  metavar="DIR", show_default=False)


def out_file_option(help: str, flag: str = "--out") -> Any:
    """An output file (`vangnet --out`, `calibrate --out`): written whole, never over a planner's file."""
    return option(None, help=help, flag=flag, metavar="FILE", show_default=False)


def format_option(help: str = "Table format.") -> Any:
    """`--format csv|parquet`: the tables of a run folder."""
    return option("csv", help=help, flag="--format")


def lang_option(help: str = "Language of the report, the workbook, the summary and the messages: nl (Dutch) or en "
                            "(English). Default: the scenario's language (nl unless it says otherwise); messages "
                            "before the scenario is read: $SPOREN_LANG, else nl.") -> Any:
    """`--lang nl|en`: what a person reads; None leaves it to the scenario (or $SPOREN_LANG for messages)."""
    return option(None, help=help, show_default=False)


def path_option(help: str, *, flag: str | None = None, metavar: str = "FILE") -> Any:
    """An input file given by an option (`--variant`, `--plan`, `--rules`, `--observed`)."""
    return option(None, help=help, flag=flag, metavar=metavar, show_default=False)


__all__ = ["Format", "Language", "Path", "format_option", "lang_option", "out_file_option", "out_folder_option",
           "path_option"]
