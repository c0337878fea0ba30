"""Writing result frames and the run's manifest, reproducibly.

Tables: CSV (UTF-8, comma, "\\n" line ends, no index, floats as ``%.10g``, rows sorted by the
frame's keys) or Parquet (pyarrow, no index, same sorted rows). Identical frames give identical
bytes.

manifest.json records what determines the results and where they came from -- scenario (name,
file, sha256 of the canonical JSON of the validated scenario), variant, plan, vangnet rules,
seed, every replication's seed (entropy and spawn key), package versions, the command line, the
git commit and every file of the folder (by file name: sha256 and size; ``written_by: sporen``
marks the folder as sporen's, so a later run may replace it, `outputs.rundir`) -- and nothing
that changes between two identical runs: no timestamps, no host, no worker count. The wall-clock
time, backend and worker count go to timing.json, which is the only file expected to differ
between reruns.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

FORMATS = ("csv", "parquet")
FLOAT_FORMAT = "%.10g"
SORT_KEYS: dict[str, list[str]] = {
    "monthly": ["replication", "month", "municipality", "track", "segment"],
    "yearly": ["replication", "year", "municipality"],
    "kpis": ["replication", "kpi", "municipality", "year"],
    "spells": ["replication", "client"],
    "events": ["replication", "time", "client"],
    "yearly_summary": ["year", "municipality"],
    "kpis_summary": ["kpi", "municipality", "year"],
    "vangnet_projection": ["year", "municipality"],
}
"""Row order of each table (stable: rows equal on the keys keep the order they were made in)."""

VERSIONED_PACKAGES = ("sporen", "simpy", "ortools", "numpy", "pandas")


def canonical_json(data: Any) -> str:
    """JSON with sorted keys and no spaces: equal data, equal text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sha256_if_file(path: str | Path | None) -> str | None:
    return sha256_file(path) if path is not None and Path(path).is_file() else None


def model_hash(model: Any) -> str:
    """sha256 of the canonical JSON of a validated pydantic model (scenario, plan)."""
    return sha256_text(canonical_json(model.model_dump(mode="json")))


def sort_rows(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    keys = [k for k in SORT_KEYS.get(name, []) if k in frame.columns]
    if not keys:
        return frame.reset_index(drop=True)
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def write_table(frame: pd.DataFrame, directory: str | Path, name: str, fmt: str = "csv") -> Path:
    """Write `frame` as <directory>/<name>.<fmt> with sorted rows; return the path."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (allowed: {', '.join(FORMATS)})")
    frame = sort_rows(frame, name)
    path = Path(directory) / f"{name}.{fmt}"
    if fmt == "csv":
        frame.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n", encoding="utf-8")
    else:
        frame.to_parquet(path, index=False, engine="pyarrow")
    return path


def write_json(data: Any, path: str | Path) -> Path:
    """Pretty, sorted, newline-terminated JSON."""
    path = Path(path)
    path.write_text(json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def package_versions() -> dict[str, str]:
    versions = {}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions["python"] = platform.python_version()
    return versions


def git_state(directory: str | Path | None = None) -> dict[str, Any]:
    """{"commit": sha or None, "dirty": bool or None} of the source tree (read-only git calls)."""
    where = Path(directory) if directory is not None else Path(__file__).resolve().parent.parent

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "--no-optional-locks", "-C", str(where), *args], capture_output=True,
                                  text=True, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def build_manifest(
    *,
    command: Sequence[str],
    scenario: Any,
    scenario_file: str | None,
    variant_name: str | None,
    variant_file: str | None,
    plan: Any,
    plan_file: str | None,
    rules_file: str | None,
    seed: int | None,
    seed_records: list[dict[str, Any]],
    files: Mapping[str, Path],
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest of a run directory (see the module docstring); `files` maps name -> written path."""
    rules_path = rules_file
    if rules_path is None:
        from sporen.inputs.vangnet_rules import DEFAULT_RULES_PATH

        rules_path = str(DEFAULT_RULES_PATH)
    manifest: dict[str, Any] = {
        "written_by": "sporen",
        "command": " ".join(command),
        "argv": list(command),
        "scenario": {
            "name": scenario.name,
            "file": scenario_file,
            "sha256": model_hash(scenario),
            "start": scenario.start,
            "years": scenario.years,
        },
        "variant": None if variant_file is None else {"name": variant_name, "file": str(variant_file),
                                                      "sha256": _sha256_if_file(variant_file)},
        "plan": {"file": plan_file, "sha256": model_hash(plan), "value": plan.model_dump(mode="json")},
        "vangnet_rules": {"file": str(rules_file) if rules_file is not None else "bundled",
                          "sha256": _sha256_if_file(rules_path)},
        "seed": seed,
        "replications": len(seed_records),
        "replication_seeds": seed_records,
        "versions": package_versions(),
        "git": git_state(),
        "files": {Path(path).name: {"sha256": sha256_file(path), "bytes": Path(path).stat().st_size}
                  for path in sorted(files.values(), key=lambda p: Path(p).name)},
    }
    if extra:
        manifest.update(extra)
    return manifest


def write_run_tables(result: Any, directory: str | Path, fmt: str = "csv",
                     summaries: Mapping[str, pd.DataFrame] | None = None) -> dict[str, Path]:
    """Write every frame of a run result (those that were built) and the given summary frames
    (e.g. from `sim.summary`) into `directory`; return {file name: path}."""
    written: dict[str, Path] = {}
    for name in ("yearly", "monthly", "kpis", "spells", "events"):
        frame = getattr(result, name)
        if frame is not None:
            path = write_table(frame, directory, name, fmt)
            written[path.name] = path
    for name, frame in (summaries or {}).items():
        path = write_table(frame, directory, name, fmt)
        written[path.name] = path
    return written
