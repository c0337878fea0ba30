"""The fit's options, declared once: futures per candidate, root seed, evaluations, applications scale.

`calibration.fit.calibrate` takes them as keywords; `sporen calibrate` and `sporen.calibrate`
compose `CalibrationOptions` (`jobs.options`), so the defaults and limits here are theirs.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import field_validator

from sporen.common.options import OptionProblem, Options, option
from sporen.sim.options import DEFAULT_SEED, replications_option, seed_option

DEFAULT_REPLICATIONS = 40
DEFAULT_ITERATIONS = 12
MAX_ITERATIONS = 1000
MAX_STARTS = 20


class CalibrationOptions(Options):
    """How the fit searches: the same R futures for every candidate, at most N evaluations."""

    replications: int = replications_option(DEFAULT_REPLICATIONS, metavar="R",
                                             help="Replications per candidate (the same seeds for every candidate).")
    seed: int = seed_option("Root seed; replication i uses SeedSequence(S).spawn(R)[i].")
    applications_scale: float | Literal["fit"] = option(
        "fit", help="Share of the observed applications that the scenario's applications stand for: fit it, or a "
        "number (1 = the scenario counts applications as the observed file does).", metavar="fit|X")
    iterations: int = option(DEFAULT_ITERATIONS, help="At most N least-squares evaluations; 0 = no fit, only the "
                             "table.", metavar="N", ge=0, le=MAX_ITERATIONS)

    starts: int = option(1, help="Fit from N starting points (the scenario's values and N - 1 spread around "
                         "them) and keep the best: a result that does not depend on where the fit starts.",
                         metavar="N", ge=1, le=MAX_STARTS)

    @field_validator("applications_scale", mode="before")
    @classmethod
    def _scale(cls, value: Any) -> Any:
        if value is None:
            return "fit"
        if isinstance(value, str):
            if value.strip().lower() == "fit":
                return "fit"
            try:
                value = float(value.strip().replace(",", "."))
            except ValueError:
                raise OptionProblem("option.not_a_number", "option.allowed.applications_scale",
                                    value=repr(value)) from None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < float("inf"):
            raise OptionProblem("option.out_of_range", "option.allowed.applications_scale", value=f"{value}")
        return float(value)

    @property
    def scale(self) -> float | None:
        """The applications scale for the fit: None to fit it."""
        return None if self.applications_scale == "fit" else float(self.applications_scale)


__all__ = ["CalibrationOptions", "DEFAULT_ITERATIONS", "DEFAULT_REPLICATIONS", "DEFAULT_SEED"]
