"""The layers point one way: cli -> web -> jobs -> {optimise, calibration, sensitivity, outputs} -> sim -> inputs
-> common.

Checked on the source text of every module (imports inside functions count too), so a shortcut
through the layers fails here rather than in review. Every import of the project's own code goes
through the installed package `sporen` (a bare `import sim` would clash with other packages so named).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Each layer and the layers it may import (besides itself); peers do not import each other.
ALLOWED = {
    "common": set(),
    "inputs": {"common"},
    "sim": {"inputs", "common"},
    "optimise": {"sim", "inputs", "common"},
    "calibration": {"sim", "inputs", "common"},
    "sensitivity": {"sim", "inputs", "common"},
    "outputs": {"inputs", "common"},
    "jobs": {"optimise", "calibration", "sensitivity", "outputs", "sim", "inputs", "common"},
    "web": {"jobs", "inputs", "common"},
    "cli": {"web", "jobs", "inputs", "common"},
}
OWN = set(ALLOWED) | {"sporen"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def layer_of(name: str) -> str | None:
    """The layer an import names: sporen.sim.engine -> sim; sporen alone -> the API (None)."""
    parts = name.split(".")
    if parts[0] != "sporen" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in ALLOWED else None


def modules(layer: str) -> list[Path]:
    return [ROOT / "cli.py"] if layer == "cli" else sorted((ROOT / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_no_import_against_the_layers(layer: str) -> None:
    offending = []
    for path in modules(layer):
        for name in imported_modules(path):
            target = layer_of(name)
            if target is not None and target != layer and target not in ALLOWED[layer]:
                offending.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offending, "\n".join(offending)


def test_every_own_import_goes_through_the_package() -> None:
    offending = []
    files = [p for layer in ALLOWED for p in modules(layer)] + sorted((ROOT / "tests").rglob("*.py"))
    files += sorted((ROOT / "bench").glob("*.py")) + sorted((ROOT / "docs").rglob("*.py"))
    for path in files:
        for name in imported_modules(path):
            if name.split(".")[0] in OWN - {"sporen"}:
                offending.append(f"{path.relative_to(ROOT)} imports {name} (write sporen.{name})")
    assert not offending, "\n".join(offending)


def test_optimise_reaches_the_simulator_only_through_sim_api() -> None:
    """(and sim.options: the run options' declarations -- the seed, the replications' limits -- not the simulator)"""
    offending = []
    for path in modules("optimise"):
        for name in imported_modules(path):
            if layer_of(name) == "sim" and not (name in ("sporen.sim", "sporen.sim.api", "sporen.sim.options")
                                                or name.startswith(("sporen.sim.api.", "sporen.sim.options."))):
                offending.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offending, "\n".join(offending)


def test_nothing_but_sporen_is_installed_at_the_top() -> None:
    import tomllib

    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert setup["package-dir"] == {"sporen": "."}
    assert all(p == "sporen" or p.startswith("sporen.") for p in setup["packages"])
    assert "py-modules" not in setup
    layers = {p.split(".")[1] for p in setup["packages"] if p.count(".") == 1}
    assert layers == set(ALLOWED) - {"cli"}


def test_the_checker_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from sporen.sim.engine import run_replication\n    import sporen.optimise.model\n")
    names = imported_modules(module)
    assert {"sporen.sim.engine", "sporen.optimise.model"} <= names
    assert {layer_of(n) for n in names} >= {"sim", "optimise"}


def test_only_the_calendar_touches_simpy() -> None:
    """SimPy (and its private attributes) is used in sim/des.py only, so an upgrade breaks one place."""
    offending = [f"{path.relative_to(ROOT)} imports {name}"
                 for layer in ALLOWED for path in modules(layer) if path.name != "des.py"
                 for name in imported_modules(path) if name.split(".")[0] == "simpy"]
    assert not offending, "\n".join(offending)


def test_every_test_module_is_in_one_group() -> None:
    """unit, functional or back (tests/conftest.py): a new test module must say which it is."""
    import conftest

    modules_found = {p.stem for p in (ROOT / "tests").glob("test_*.py")}
    unplaced = sorted(m for m in modules_found if conftest.group_of(m) is None)
    assert not unplaced, f"add to UNIT, FUNCTIONAL or BACK in tests/conftest.py: {unplaced}"
