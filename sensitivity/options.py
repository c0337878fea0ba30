"""The analysis's options, declared once: the design's size, the tornado's futures, named parameters.

`sensitivity.analysis.analyse` takes them as keywords; `sporen sensitivity` composes
`SensitivityOptions` (`jobs.options`) with the target's options and the run's.
"""

from __future__ import annotations

from typing import Any

from pydantic import field_validator

from sporen.common.options import OptionProblem, Options, option
from sporen.sim.options import replications_option

DEFAULT_BASE = 64
"""Base samples N of the Saltelli design: N x (k + 2) futures for k factors (the noise included)."""
DEFAULT_FUTURES = 32
"""Futures per tornado setting, the same ones for every setting."""
MAX_BASE = 1 << 16
MAX_PARAMETERS = 50


class SensitivityOptions(Options):
    """How the analysis samples: the design's base size, the tornado's futures, extra parameters."""

    base: int = option(DEFAULT_BASE, help="Base samples N of the Saltelli design, a power of 2: N x (k + 2) "
                       "simulated futures for k assumptions plus the noise.", metavar="N", ge=2, le=MAX_BASE)
    futures: int = replications_option(DEFAULT_FUTURES, minimum=2, flag="--futures", short=None, metavar="R",
                                       help="Futures per tornado setting (the same for every setting).")
    parameters: list[str] = option(default_factory=list, help="Another parameter with its range, PATH=LOW:HIGH "
                                   "(e.g. economy.work_hazard_multiplier=0.8:1.2); give --parameter once per "
                                   "parameter.", flag="--parameter", metavar="PATH=LOW:HIGH", show_default=False,
                                   max_length=MAX_PARAMETERS)

    @field_validator("base")
    @classmethod
    def _power_of_two(cls, value: int) -> int:
        if value & (value - 1):
            raise OptionProblem("option.power_of_two", "option.allowed.power_of_two", value=value)
        return value

    @field_validator("parameters")
    @classmethod
    def _ranges(cls, value: list[str]) -> list[str]:
        for item in value:
            parse_parameter(item)
        return value

    def named(self) -> list[Any]:
        """The named parameters as `inputs.schema.Uncertain` ranges."""
        from sporen.inputs.schema import Uncertain

        return [Uncertain(parameter=p, low=low, high=high) for p, low, high in map(parse_parameter, self.parameters)]


def parse_parameter(item: str) -> tuple[str, float, float]:
    """PATH=LOW:HIGH as (path, low, high); OptionProblem naming the item otherwise."""
    path, _, bounds = str(item).partition("=")
    low_text, _, high_text = bounds.partition(":")
    try:
        low, high = float(low_text.replace(",", ".")), float(high_text.replace(",", "."))
    except ValueError:
        raise OptionProblem("option.parameter_range", "option.allowed.parameter_range", value=item) from None
    if not path.strip() or not low <= high or low != low or high != high:
        raise OptionProblem("option.parameter_range", "option.allowed.parameter_range", value=item)
    return path.strip(), low, high


__all__ = ["DEFAULT_BASE", "DEFAULT_FUTURES", "SensitivityOptions", "parse_parameter"]
