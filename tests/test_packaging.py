"""The package installs without setuptools warnings: the licence as an SPDX string, and every folder
that holds data (bundled scenarios, vangnet rules, message catalogues) declared as a package with its
files as package data, so setuptools never has to guess (it warned ~250 lines per install)."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_SUFFIXES = {".yaml", ".csv", ".po", ".md"}
NOT_INSTALLED = {"tests", "docs", "bench", ".venv", ".git", ".mypy-path", "build", "outputs/runs"}


def test_the_licence_is_an_spdx_string():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert isinstance(project["project"]["license"], str)
    requires = project["build-system"]["requires"]
    assert any(r.replace(" ", "").startswith("setuptools>=77") for r in requires)   # SPDX strings from 77 on


def test_every_data_folder_is_a_declared_package_with_its_files():
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    packages, data = set(setup["packages"]), setup["package-data"]
    checked = 0
    folders = []
    for top, dirs, _ in os.walk(ROOT):
        relative_top = Path(top).relative_to(ROOT)
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__"))
                         and str(relative_top / d) not in NOT_INSTALLED)
        folders += [Path(top) / d for d in dirs]
    for folder in folders:
        relative = folder.relative_to(ROOT)
        name = ".".join(("sporen", *relative.parts))
        ancestors = {".".join(("sporen", *relative.parts[:i])) for i in range(1, len(relative.parts))}
        files = [f for f in folder.iterdir() if f.is_file()]
        if any(f.suffix == ".py" for f in files):
            assert name in packages, f"{relative} holds code but is not in [tool.setuptools] packages"
        shipped = {f.suffix for f in files if f.suffix in DATA_SUFFIXES}
        if shipped and (ancestors & packages or name in packages):   # data inside an installed package
            checked += 1
            assert name in packages, f"{relative} holds {sorted(shipped)} but is not a declared package"
            assert all(f"*{suffix}" in data.get(name, []) for suffix in shipped), (name, shipped, data.get(name))
    assert checked >= 5   # the scenarios, their variants, the vangnet rules and the two message catalogues
