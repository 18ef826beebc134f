"""A script of scripts/ as a module, for tests: the scripts are run, not imported by the package."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from stationmap import config


def load_script(name: str) -> ModuleType:
    """scripts/<name>.py, executed as a module of its own."""
    path = config.PROJECT_ROOT / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{name}_script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
