"""`sporen calibrate`: fit a scenario's exit hazards and application rates to an observed history.

The fit is `calibration.fit`; this job checks the options, runs it on the chosen backend and
writes the calibrated scenario (and optionally the fitted observation window) as YAML, whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sporen.calibration import fit, writer
from sporen.calibration.observed import load_observed, month_text
from sporen.calibration.writer import format_spending, format_table
from sporen.common.errors import InputError, Problem, RunFailed, disk_full
from sporen.common.files import write_text
from sporen.inputs.load import is_workbook, load_scenario, read_yaml, scenario_from_dict
from sporen.jobs.options import CalibrateOptions, check_out_file, raise_problems, yaml_by_sporen


class CalibrationFailed(RunFailed):
    """The fitted scenario does not validate (a bug in sporen; exit 1, nothing written)."""


__all__ = ["CalibrateOptions", "CalibrateJobResult", "CalibrationFailed", "run_calibrate", "format_table",
           "format_spending"]


@dataclass
class CalibrateJobResult:
    result: fit.CalibrationResult
    written: list[Path]
    fitted: list[tuple[str, float]]


# complexity over 15: the job's steps in order (check, fit, validate, write), each with its own exit
def run_calibrate(options: CalibrateOptions, log: Callable[[str], None] | None = None) -> CalibrateJobResult:  # noqa: C901
    """Fit, check the calibrated scenario validates, and write it. InputError for bad input."""
    out = options.out_file
    inputs = [options.scenario, options.observed]
    problems = (check_out_file(out, "file for the YAML", inputs, yaml_by_sporen)
                + check_out_file(options.history_out, "file for the YAML", inputs, yaml_by_sporen))
    if options.history_out and options.history_out.resolve() == out.resolve():
        problems.append(Problem(str(options.history_out), "", "is the same file as --out", "another file name"))
    model = observed = None
    try:
        model = load_scenario(options.scenario)
    except InputError as exc:
        problems += exc.problems
    if model is not None:
        try:
            observed = load_observed(options.observed, model)
        except InputError as exc:
            problems += exc.problems
    elif not options.observed.is_file():
        problems.append(Problem(str(options.observed), "", "file not found", "an observed CSV file"))
    raise_problems(problems)
    assert model is not None and observed is not None

    window = f"{month_text(observed.start)}..{month_text(observed.end)}"
    fit_options = options.fit
    source = (f"sporen calibrate on {options.observed} (window {window}, {fit_options.replications} replications, "
              f"seed {fit_options.seed})")
    if log:
        log(f"window {window}, {len(observed.observations)} observations, {fit_options.replications} replications "
            "per candidate")
    parallel = options.parallel
    result = fit.calibrate(model, observed, replications=fit_options.replications, seed=fit_options.seed,
                           workers=parallel.local_workers(fit_options.replications), backend=parallel.chosen_backend,
                           scheduler=parallel.scheduler, applications_scale=fit_options.scale,
                           iterations=fit_options.iterations, source=source, log=log,
                           starts=fit_options.starts)

    p = result.parameters
    fitted = [("work hazards", p.work), ("other exit hazards", p.other)]
    fitted += [(f"applications {m}", v) for m, v in p.applications.items()]
    fitted += [(f"application level {k}{' (reference)' if v == 1.0 else ''}", v) for k, v in p.periods.items()]
    fitted += [(f"benefit level {m}", v) for m, v in p.benefit.items()]
    argv = ["sporen", "calibrate", str(options.scenario), "--observed", str(options.observed), "--replications",
            str(fit_options.replications), "--seed", str(fit_options.seed)]
    if fit_options.scale is not None:
        argv += ["--applications-scale", str(fit_options.applications_scale)]
    if fit_options.starts > 1:
        argv += ["--starts", str(fit_options.starts)]
    lines = [f"# Calibrated by: {' '.join(argv)}",
             f"# Window {window}; objective (sum of squared relative errors) {result.objective:.5g}, "
             f"{result.objective_start:.5g} before; see docs/calibration.md.",
             "# Fitted multipliers on the input values:",
             f"#   work hazards {p.work:.4f}, other exit hazards {p.other:.4f}",
             "#   applications " + ", ".join(f"{m} {v:.4f}" for m, v in p.applications.items())]
    if p.periods:
        lines.append("#   application level (window only) " + ", ".join(f"{k} {v:.4f}" for k, v in p.periods.items()))
    if p.benefit:
        lines.append("#   benefit level (spending of a horizon year) "
                     + ", ".join(f"{m} {v:.4f}" for m, v in p.benefit.items()))
    if result.applications_scale is not None:
        lines.append(f"# The scenario's applications stand for {result.applications_scale:.3f} of the observed "
                     "applications.")
    stamp = "\n".join(lines) + "\n"
    src = options.scenario
    if not is_workbook(src) and "variant" not in (raw := read_yaml(src)):
        header = writer.leading_comments(src.read_text(encoding="utf-8"))
    else:
        raw = model.model_dump(exclude={"series"})
        header = ""
    spending = result.spending
    forward = int(spending["replications"].iloc[0]) if spending is not None and len(spending) else None
    mapping = writer.calibrated_mapping(raw, model, p, source, result.applications_scale, forward)
    text = writer.dump_yaml(mapping, (header + "#\n" if header else "") + stamp)
    try:
        scenario_from_dict(writer.yaml_load(text), str(out), src.parent)
    except InputError as exc:   # a bug in sporen, not the planner's input: say what failed
        raise CalibrationFailed("the calibrated scenario does not validate:\n"
                                + "\n".join(str(p) for p in exc.problems)) from None
    writes = [(out, text)]
    if options.history_out:
        history = writer.history_mapping(result.history, observed, p, source)
        writes.append((options.history_out, writer.dump_yaml(history, stamp.replace(
            "# Calibrated by", "# The observation window of a calibration, fitted values applied.\n# Made by"))))
    for path, content in writes:
        try:
            write_text(path, content)
        except OSError as exc:
            if disk_full(exc):
                raise    # the run failed (exit 1), not the input
            raise InputError([Problem(str(path), "", f"cannot write: {exc.strerror or exc}",
                                      "a writable file")]) from None
    return CalibrateJobResult(result, [path for path, _ in writes], fitted)
