"""Built and installed as a user would: wheel and sdist (built with the setuptools Debian 12
ships, in a temporary copy of the source), a fresh virtual environment with its size and install
time, the sdist's own tests, and `installers/install.sh` with its uninstall against a temporary
HOME. The desktop files are checked with the real validators in test_desktop_integration.py."""

from __future__ import annotations

import email
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import tomllib

REPO = Path(__file__).resolve().parent.parent
#: Debian 12's own Python: setuptools 66, the oldest the build has to work with.
DEBIAN_PYTHON = Path("/usr/bin/python3")
#: The issue's targets for a fresh virtual environment with deskbreak installed.
MAX_VENV_MB = 60
TARGET_INSTALL_SECONDS = 15
#: The test fails only well past the target: the machine is shared, and a number measured under
#: load is still recorded (printed; the figure in docs/benchmarks.md is from a quiet run).
MAX_INSTALL_SECONDS = 90
#: Left out of the copy that gets built: caches, environments, earlier builds.
IGNORED = shutil.ignore_patterns(".git", ".venv*", "__pycache__", "*.pyc", "build", "dist",
                                 "*.egg-info", ".pytest_cache", ".mypy_cache", ".ruff_cache",
                                 ".hypothesis", "out")


def _setuptools_version(python: Path) -> tuple[int, ...] | None:
    result = subprocess.run([str(python), "-c", "import setuptools, wheel; "
                             "print(setuptools.__version__)"], capture_output=True, text=True,
                            check=False)
    if result.returncode:
        return None
    return tuple(int(p) for p in result.stdout.strip().split(".")[:2] if p.isdigit())


@dataclass(frozen=True)
class Built:
    wheel: Path
    sdist: Path
    setuptools: tuple[int, ...]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The wheel and sdist, built from a temporary copy (the repository is never written)."""
    python = DEBIAN_PYTHON if DEBIAN_PYTHON.exists() and _setuptools_version(DEBIAN_PYTHON) \
        else Path(sys.executable)
    version = _setuptools_version(python)
    if version is None:
        pytest.skip(f"{python} has no setuptools and wheel to build with")
    root = tmp_path_factory.mktemp("build")
    source, out = root / "src", root / "dist"
    shutil.copytree(REPO, source, ignore=IGNORED)
    # The backend directly, without build isolation: exactly the setuptools a distribution
    # packager has, and no download.
    # One process per artefact: setuptools 66 can lose the wheel when both run in one process.
    for hook in ("build_sdist", "build_wheel"):
        script = f"import sys, setuptools.build_meta as b; print(b.{hook}(sys.argv[1]))"
        result = subprocess.run([str(python), "-c", script, str(out)], cwd=source,
                                capture_output=True, text=True, timeout=300, check=False)
        assert result.returncode == 0, result.stderr[-3000:]
    (wheel,) = out.glob("deskbreak-*.whl")
    (sdist,) = out.glob("deskbreak-*.tar.gz")
    return Built(wheel, sdist, version)


def test_every_python_package_is_listed_for_installation() -> None:
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "deskbreak").rglob("__init__.py")
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"


def test_the_build_works_with_debians_setuptools_66(built: Built) -> None:
    if not DEBIAN_PYTHON.exists():
        pytest.skip("not a Debian machine: built with this Python's setuptools instead")
    assert built.setuptools[0] == 66 or built.setuptools >= (66,)


def test_built_wheel_carries_the_library_programmes_and_demo_week(built: Built) -> None:
    names = set(zipfile.ZipFile(built.wheel).namelist())
    assert "deskbreak/shipped/default.yaml" in names
    assert "deskbreak/shipped/exercises/chin-tuck.yaml" in names
    assert "deskbreak/shipped/programmes/desk-worker-general.yaml" in names
    assert "deskbreak/shipped/traces/demo-week.csv" in names
    assert "deskbreak/adapters/idle/x11.py" in names
    assert "deskbreak/reporting/svg_charts.py" in names
    assert "deskbreak/ui/prompt_window.py" in names or not (REPO / "deskbreak/ui/prompt_window.py").exists()
    assert not any(n.startswith("tests/") for n in names)


def test_the_wheel_says_who_what_licence_and_where(built: Built) -> None:
    with zipfile.ZipFile(built.wheel) as wheel:
        (metadata_name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.message_from_bytes(wheel.read(metadata_name))
        licence_files = [n for n in wheel.namelist() if n.endswith("LICENSE")]
        assert licence_files and b"MIT License" in wheel.read(licence_files[0])
    assert metadata["License"] == "MIT" or metadata["License-Expression"] == "MIT"
    classifiers = metadata.get_all("Classifier") or []
    assert "License :: OSI Approved :: MIT License" in classifiers
    assert any(c.startswith("Operating System :: Microsoft :: Windows") for c in classifiers)
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL") or [])
    assert urls["Source"].startswith("https://") and "Issues" in urls
    assert metadata["Author"] or metadata["Author-email"]
    requires = " ".join(metadata.get_all("Requires-Dist") or [])
    assert "matplotlib" not in requires and "numpy" not in requires
    assert 'dev' in (metadata.get_all("Provides-Extra") or [])
    # The README is the package index's page for deskbreak.
    assert "Desk-break" in metadata.get_payload() or "deskbreak" in metadata.get_payload()


def test_readme_links_are_absolute_so_they_work_on_the_package_index() -> None:
    """The README becomes the package's page on the index, where a relative link is dead."""
    import re

    targets = re.findall(r"\]\(([^)\s]+)", (REPO / "README.md").read_text())
    relative = [t for t in targets if not t.startswith(("https://", "http://", "#", "mailto:"))]
    assert relative == [], ("write these as https://github.com/deskbreak/deskbreak/blob/main/"
                            "PATH (or /tree/main/ for a folder)")
    # A picture must be the file itself: a /blob/ address is a web page, blank on the index.
    pictures = re.findall(r"!\[[^\]]*\]\(([^)\s]+)", (REPO / "README.md").read_text())
    assert [p for p in pictures if "/blob/" in p] == [], "use /raw/main/ for pictures"


def test_the_sdist_carries_every_test_the_docs_installers_and_licence(built: Built) -> None:
    with tarfile.open(built.sdist) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    repo_tests = {str(p.relative_to(REPO)) for p in (REPO / "tests").rglob("*.py")
                  if "__pycache__" not in p.parts}
    assert repo_tests - names == set()
    assert {"LICENSE", "README.md", "Makefile", "installers/install.sh",
            "installers/windows/install.ps1", "docs/benchmarks.md", "scripts/bootstrap",
            "config/default.yaml"} <= names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def test_building_never_writes_into_the_repository(built: Built) -> None:
    assert not (REPO / "build").exists() and not (REPO / "dist").exists()
    if (REPO / ".git").exists() and shutil.which("git"):
        status = subprocess.run(["git", "status", "--porcelain", "--ignored", "--", "build",
                                 "dist"], cwd=REPO, capture_output=True, text=True, check=False)
        assert status.stdout.strip() == ""


# --- a fresh virtual environment -----------------------------------------------------------------


@dataclass(frozen=True)
class Venv:
    path: Path
    python: Path
    megabytes: float
    install_seconds: float
    #: CPU time of pip and its children: what the install costs without other load.
    install_cpu_seconds: float


def _tree_bytes(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() or p.is_symlink())


@pytest.fixture(scope="module")
def public_tmp() -> Iterator[Path]:
    """A temporary folder other users can read: as root, test_store drops to `nobody` in a
    child, which must still import deskbreak from here (pytest's own tmp folders are 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="deskbreak-packaging-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def fresh_venv(built: Built, public_tmp: Path) -> Venv:
    """A new venv (with pip, as `python -m venv` makes it) with the wheel installed; its size
    and the install time are measured before anything else goes in."""
    path = public_tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=300)
    python = path / "bin" / "python"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = subprocess.run([str(python), "-m", "pip", "install", "-q", str(built.wheel)],
                            capture_output=True, text=True, timeout=600, check=False)
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert result.returncode == 0, result.stderr[-3000:]
    return Venv(path, python, _tree_bytes(path) / 1e6, seconds, cpu)


@pytest.mark.slow
def test_a_fresh_venv_with_deskbreak_is_small_and_quick_to_install(fresh_venv: Venv) -> None:
    load = os.getloadavg()[0]
    print(f"\nfresh venv with deskbreak: {fresh_venv.megabytes:.1f} MB; pip install took "
          f"{fresh_venv.install_seconds:.1f} s wall, {fresh_venv.install_cpu_seconds:.1f} s CPU "
          f"(load average {load:.1f} on {os.cpu_count()} CPUs; targets {MAX_VENV_MB} MB, "
          f"{TARGET_INSTALL_SECONDS} s)")
    assert fresh_venv.megabytes <= MAX_VENV_MB
    # The CPU time is what the install costs on a machine to itself; the wall time only has to
    # stay sane on a shared one.
    assert fresh_venv.install_cpu_seconds < TARGET_INSTALL_SECONDS
    assert fresh_venv.install_seconds < MAX_INSTALL_SECONDS
    check = subprocess.run([str(fresh_venv.python), "-m", "pip", "check"],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    listed = subprocess.run([str(fresh_venv.python), "-m", "pip", "list", "--format=freeze"],
                            capture_output=True, text=True, check=True).stdout.lower()
    assert "matplotlib" not in listed and "numpy" not in listed and "fonttools" not in listed


@pytest.mark.slow
def test_the_installed_wheel_writes_the_report_with_its_charts(fresh_venv: Venv,
                                                               tmp_path: Path) -> None:
    demo = subprocess.run([str(fresh_venv.path / "bin" / "deskbreak"), "demo", "--out",
                           str(tmp_path)], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path, check=False)
    assert demo.returncode == 0, demo.stderr
    page = (tmp_path / "demo-report.html").read_text()
    assert page.count("<svg") == 3 and "Daily adherence" in page


@pytest.mark.slow
def test_the_sdists_own_tests_pass_from_the_unpacked_sdist(built: Built, fresh_venv: Venv,
                                                           public_tmp: Path) -> None:
    """A representative part of the suite (no desktop, no e2e, not this file): the whole of it
    takes minutes on a shared machine."""
    with tarfile.open(built.sdist) as sdist:
        sdist.extractall(public_tmp, filter="data")
    (unpacked,) = public_tmp.glob("deskbreak-*")
    install = subprocess.run([str(fresh_venv.python), "-m", "pip", "install", "-q", "-e",
                              f"{unpacked}[test]"], capture_output=True, text=True,
                             timeout=600, check=False)
    assert install.returncode == 0, install.stderr[-3000:]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DESKBREAK"))}
    tests = ["tests/core", "tests/test_svg_charts.py", "tests/test_autostart.py",
             "tests/test_desktop_integration.py", "tests/test_store.py",
             "tests/test_cli_programme.py", "tests/test_export_html.py",
             "tests/adapters/test_desktop_notifier.py"]
    run = subprocess.run([str(fresh_venv.python), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-m", "not desktop and not slow", *tests], cwd=unpacked, env=env,
                         capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout


# --- installers/install.sh against a temporary HOME ----------------------------------------------


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() or p.is_symlink()}


@pytest.fixture
def clean_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, dict[str, str]]]:
    home = tmp_path / "home"
    home.mkdir()
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    # The first python3 on PATH is too old, as on a stock Mac: the installer must pass it by.
    old = fake_bin / "python3"
    old.write_text("#!/bin/sh\n"
                   "case \"$*\" in *version_info*) exit 1 ;; esac\n"
                   "echo 'Python 3.9.6'\n")
    old.chmod(0o755)
    real = Path(sys.executable).resolve()
    minor = f"python3.{sys.version_info.minor}"
    (fake_bin / minor).symlink_to(real)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DESKBREAK", "XDG_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), PATH=f"{fake_bin}:/usr/bin:/bin", XDG_RUNTIME_DIR=str(tmp_path))
    yield home, env


@pytest.mark.slow
def test_install_sh_then_uninstall_leaves_nothing_but_the_data(
        built: Built, clean_home: tuple[Path, dict[str, str]]) -> None:
    home, env = clean_home
    env["DESKBREAK_SOURCE"] = str(built.wheel)
    install = subprocess.run(["bash", str(REPO / "installers" / "install.sh")], env=env,
                             capture_output=True, text=True, timeout=900, check=False)
    assert install.returncode == 0, install.stdout + install.stderr
    assert f"with Python 3.{sys.version_info.minor}" in install.stdout  # not the old python3
    installed = _files(home)
    for expected in (".local/bin/deskbreak",
                     ".local/share/applications/io.github.deskbreak.desktop",
                     ".local/share/metainfo/io.github.deskbreak.metainfo.xml",
                     ".local/share/icons/hicolor/scalable/apps/deskbreak.svg",
                     ".local/share/icons/hicolor/48x48/apps/deskbreak.png",
                     ".config/autostart/deskbreak.desktop",
                     ".local/share/deskbreak/venv/bin/python"):
        assert expected in installed, expected
    deskbreak = str(home / ".local/bin/deskbreak")
    status = subprocess.run([deskbreak, "autostart", "status"], env=env, capture_output=True,
                            text=True, check=True)
    assert status.stdout.strip() == "enabled"
    # The user's data: an installed programme and a compliance log with a day in it.
    programme = REPO / "config" / "programmes" / "desk-worker-general.yaml"
    subprocess.run([deskbreak, "programme", "install", str(programme)], env=env,
                   capture_output=True, text=True, check=True)
    subprocess.run([str(home / ".local/share/deskbreak/venv/bin/python"), "-c",
                    "from deskbreak.store import open_store; open_store().close()"],
                   env=env, check=True)
    data = _files(home) - installed

    uninstall = subprocess.run(["bash", str(REPO / "installers" / "install.sh"), "--uninstall"],
                               env=env, capture_output=True, text=True, timeout=300, check=False)
    assert uninstall.returncode == 0, uninstall.stdout + uninstall.stderr
    left = _files(home)
    # Nothing but the data (pip's download cache is pip's, not ours).
    assert {f for f in left if not f.startswith(".cache/pip/")} == data
    assert any(f.endswith("compliance.sqlite3") for f in data)
    assert any(f.endswith("programme.yaml") for f in data)
    # ... and the uninstall said where the data is.
    assert "Kept your data" in uninstall.stdout
    assert str(home / ".config" / "deskbreak") in uninstall.stdout


def test_install_sh_refuses_when_no_python_is_new_enough(
        clean_home: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    home, env = clean_home
    only_old = tmp_path / "only-old"
    only_old.mkdir()
    shutil.copy(tmp_path / "bin" / "python3", only_old / "python3")
    # Only the tools the script needs before it looks for Python (/bin is /usr/bin on Debian,
    # with Debian's python3.11 in it, so it cannot be on PATH).
    for tool in ("uname", "dirname"):
        (only_old / tool).symlink_to(shutil.which(tool) or f"/usr/bin/{tool}")
    env["PATH"] = str(only_old)
    result = subprocess.run([shutil.which("bash") or "/bin/bash",
                             str(REPO / "installers" / "install.sh")], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "needs Python 3.10 or newer" in result.stderr
    assert not (home / ".local").exists()


def test_the_powershell_uninstall_never_redirects_a_native_commands_stderr_under_stop() -> None:
    """PowerShell/PowerShell#4002: under ErrorActionPreference Stop, Windows PowerShell 5.1
    makes `native 2>$null` a terminating error when the program writes to stderr (as
    `deskbreak quit` does when nothing runs), and the uninstall stopped half-way. No PowerShell
    here: the script is checked for the pattern, and the quiet runner for its Continue."""
    script = (REPO / "installers" / "windows" / "install.ps1").read_text()
    assert '$ErrorActionPreference = "Stop"' in script
    assert "2>$null" not in script.replace("(2>$null)", "")
    runner = script.split("function Invoke-Quietly")[1].split("\n}\n")[0]
    assert '$ErrorActionPreference = "Continue"' in runner and "2>&1 | Out-Null" in runner
    uninstall = script.split("if ($Uninstall) {")[1].split("\n}\n")[0]
    assert 'Invoke-Quietly $venvPython @("-m", "deskbreak", "quit")' in uninstall
    assert "deskbreak.autostart" in uninstall and "Remove-Item -Recurse -Force $Venv" in uninstall
