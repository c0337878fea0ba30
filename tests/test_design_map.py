"""docs/DESIGN.md's module map names every module of the package, and only modules that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
SKIP = {"tests", "bench", "docs", "build", "dist"}


def _modules() -> set[str]:
    return {str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
            if not ({p.relative_to(ROOT).parts[0]} & SKIP) and not any(part.startswith(".") for part in
                                                                       p.relative_to(ROOT).parts)}


def _mapped() -> set[str]:
    text = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    section = text.split("## Module map", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([\w/]+\.py)`", section))


def test_the_module_map_is_true():
    modules, mapped = _modules(), _mapped()
    assert not modules - mapped, f"modules missing from docs/DESIGN.md's module map: {sorted(modules - mapped)}"
    assert not mapped - modules, f"the module map names modules that do not exist: {sorted(mapped - modules)}"


def test_the_design_page_stands_alone():
    """No reference to a file outside the repository (the steering repo's specification)."""
    text = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    assert not re.findall(r"\.\./shared|MODEL\.md|DOMAIN\.md|/work/", text)
