"""What machine a benchmark ran on: printed at the top of every bench script's output."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe() -> str:
    """One line: OS, CPU model, logical CPUs, Python version."""
    return f"{platform.platform()}; {cpu_model()}; {os.cpu_count()} logical CPUs; Python {platform.python_version()}"
