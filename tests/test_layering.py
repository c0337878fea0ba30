"""The layers point one way: cli -> optimise -> sim -> inputs; outputs reads results only.

Checked on the source text of every module (imports inside functions count too), so a shortcut
through the layers fails here rather than in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("inputs", "sim", "optimise", "outputs")
FORBIDDEN = {
    "inputs": {"sim", "optimise", "outputs", "cli"},
    "sim": {"optimise", "outputs", "cli"},
    "optimise": {"cli"},
    "outputs": {"sim", "optimise", "cli"},
}


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


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).glob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_against_the_layers(package: str) -> None:
    offending = []
    for path in modules(package):
        for name in imported_modules(path):
            if name.split(".")[0] in FORBIDDEN[package]:
                offending.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offending, "\n".join(offending)


def test_optimise_reaches_the_simulator_only_through_sim_api() -> None:
    offending = []
    for path in modules("optimise"):
        for name in imported_modules(path):
            if name.split(".")[0] == "sim" and name not in ("sim", "sim.api") and not name.startswith("sim.api."):
                offending.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offending, "\n".join(offending)


def test_the_checker_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from sim.engine import run_replication\n    import optimise.model\n")
    assert {"sim.engine", "optimise.model"} <= imported_modules(module)
