"""deskbreak side by side with Workrave and Safe Eyes, in the same headless desktop harness.

For each app, in a fresh desktop (tests/desktop.py) with a fresh HOME: start it, time until its
tray icon is embedded in the tray host, let it warm up, then measure over the idle window:
steady RSS (VmRSS), CPU seconds (utime+stime+cutime+cstime, so helper children count), and
context switches per second summed over every thread (a proxy for wake-ups).
Targets (issue 4): deskbreak with pystray's xorg backend at most 40 MB RSS, at most 0.03 CPU
seconds per 90 idle seconds, fewer than 1 wake-up per second, icon within 0.3 s.
Writes the section "Service" of docs/benchmarks.md.

    python benchmarks/bench_service.py [--idle 90] [--warmup 15] [--only deskbreak]
Workrave and Safe Eyes come from Debian (`apt-get install workrave safeeyes`); missing ones
are reported and skipped.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

from _results import machine, write_section
from desktop import DesktopSession

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Measurement:
    app: str
    icon_seconds: float | None
    rss_mb: float
    cpu_seconds: float
    switches_per_second: float
    note: str = ""
    status_seconds: float | None = None


def time_status(env: dict[str, str], runs: int = 10) -> float:
    """Median wall time of `deskbreak status` against the running service, interpreter
    start included."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "deskbreak", "status"], env=env, check=True,
                       capture_output=True)
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def apps() -> dict[str, list[str]]:
    return {
        "deskbreak (xorg)": [sys.executable, "-m", "deskbreak", "run"],
        "Workrave": ["workrave"],
        "Safe Eyes": ["/usr/bin/safeeyes"],
    }


def tray_children(desktop: DesktopSession, panel: str) -> int:
    """How many windows are embedded in the tray host's panel (-1 if it cannot be read now:
    windows of a starting app can vanish mid-query)."""
    tree = subprocess.run(["xwininfo", "-children", "-id", panel], capture_output=True,
                          text=True, env=desktop.full_env(), check=False).stdout
    match = re.search(r"(\d+) child", tree)
    return int(match.group(1)) if match else -1


def proc_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(fields[i]) for i in (11, 12, 13, 14))
    return (utime + stime + cutime + cstime) / CLOCK_TICKS


def proc_switches(pid: int) -> int:
    total = 0
    for status in Path(f"/proc/{pid}/task").glob("*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        total += sum(int(v) for v in re.findall(r"ctxt_switches:\s+(\d+)", text))
    return total


def proc_rss_mb(pid: int) -> float:
    match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1)) / 1024 if match else 0.0


def fresh_home(folder: str) -> dict[str, str]:
    """A new user's HOME with the usual XDG folders (Safe Eyes does not create its own)."""
    home = Path(folder)
    for sub in (".config/safeeyes", ".local/share", ".cache"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    return {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local/share"), "XDG_CACHE_HOME": str(home / ".cache"),
            "DESKBREAK_HOME": str(home / "deskbreak")}


def warm_start(argv: list[str]) -> None:
    """Start and stop the app once, unmeasured, so that first-run work (compiling Python
    bytecode, building caches) is not counted as start-up time."""
    with DesktopSession() as desktop, tempfile.TemporaryDirectory() as home:
        process = subprocess.Popen(argv, env=desktop.full_env(fresh_home(home)),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(5)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def measure(name: str, argv: list[str], idle: float, warmup: float) -> Measurement:
    warm_start(argv)
    with DesktopSession() as desktop, tempfile.TemporaryDirectory() as home:
        env = desktop.full_env(fresh_home(home))
        env.pop("PYSTRAY_BACKEND", None)
        panel = desktop.xdotool("search", "--classname", "^panel$").split()[0]
        before = tray_children(desktop, panel)
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        icon: float | None = None
        while time.perf_counter() - started < 15:
            if tray_children(desktop, panel) > before:
                icon = time.perf_counter() - started
                break
            time.sleep(0.01)
        try:
            time.sleep(max(0.0, warmup - (time.perf_counter() - started)))
            cpu0, sw0 = proc_cpu_seconds(process.pid), proc_switches(process.pid)
            time.sleep(idle)
            cpu1, sw1 = proc_cpu_seconds(process.pid), proc_switches(process.pid)
            rss = proc_rss_mb(process.pid)
            status = time_status(env) if "deskbreak" in name else None
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        return Measurement(name, icon, rss, cpu1 - cpu0, (sw1 - sw0) / idle,
                           "" if icon is not None else "icon never docked", status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=90.0)
    parser.add_argument("--warmup", type=float, default=15.0)
    parser.add_argument("--only", action="append", help="measure only apps containing this")
    args = parser.parse_args()
    # Measure deskbreak as an installed copy runs: from bytecode (pip compiles a wheel on
    # install). The unmeasured first start cannot provide it where PYTHONDONTWRITEBYTECODE is
    # set, and compiling from source leaves the parser's memory in the process's RSS.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "deskbreak")],
                   check=True)
    results: list[Measurement] = []
    for name, argv in apps().items():
        if args.only and not any(o.lower() in name.lower() for o in args.only):
            continue
        if shutil.which(argv[0]) is None and not Path(argv[0]).exists():
            print(f"{name}: not installed (apt-get install {argv[0].rsplit('/', 1)[-1]}); skipped")
            continue
        print(f"measuring {name} ({args.warmup:g} s warm-up, {args.idle:g} s idle) ...", flush=True)
        results.append(measure(name, argv, args.idle, args.warmup))
        print(f"  {results[-1]}", flush=True)
    lines = [f"| app | tray icon after | steady RSS | CPU in {args.idle:g} s idle | "
             "context switches / s |", "|---|---|---|---|---|"]
    for r in results:
        icon = f"{r.icon_seconds:.2f} s" if r.icon_seconds is not None else r.note
        lines.append(f"| {r.app} | {icon} | {r.rss_mb:.0f} MB | {r.cpu_seconds:.2f} s | "
                     f"{r.switches_per_second:.1f} |")
    body = (f"Measured {machine()} by `benchmarks/bench_service.py`: each app alone in a fresh "
            f"headless desktop (Xvfb, trayer, openbox, dunst) with a fresh HOME, after one "
            f"unmeasured start (so first-run bytecode compilation is not counted), "
            f"{args.warmup:g} s warm-up, then {args.idle:g} s with no input.\n\n"
            "Targets for deskbreak: at most 40 MB, at most 0.03 CPU s per 90 idle seconds, "
            "fewer than 1 wake-up per second, icon within 0.3 s.\n\n" + "\n".join(lines))
    status = [r for r in results if r.status_seconds is not None]
    if status:
        body += (f"\n\n`deskbreak status` against the running service: "
                 f"{status[0].status_seconds:.3f} s wall time (median of 10, interpreter start "
                 "included; target under 0.2 s).")
    if args.only:
        print(body)
        return
    write_section("Service", body)
    print(body)


if __name__ == "__main__":
    main()
