"""The installed package must hold every module and the shipped config, not just the source tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import tomllib

REPO = Path(__file__).resolve().parent.parent


def test_every_python_package_is_listed_for_installation() -> None:
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "deskbreak").rglob("__init__.py")
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"


def test_built_wheel_carries_the_library_programmes_and_demo_week(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-q", "-w", str(tmp_path), str(REPO)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("deskbreak-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "deskbreak/shipped/default.yaml" in names
    assert "deskbreak/shipped/exercises/chin-tuck.yaml" in names
    assert "deskbreak/shipped/programmes/desk-worker-general.yaml" in names
    assert "deskbreak/shipped/traces/demo-week.csv" in names
    assert "deskbreak/adapters/idle/x11.py" in names
    assert "deskbreak/ui/prompt_window.py" in names or not (REPO / "deskbreak/ui/prompt_window.py").exists()
