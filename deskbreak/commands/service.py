"""`deskbreak run` and the commands that talk to the running service, plus `doctor`.

The commands sent to the service come from the one vocabulary in deskbreak.core.commands:
each verb is a subcommand here, checked by the same builder as the socket, tray and console.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskbreak.core.commands import COMMANDS, Command, Verb, command_from_request
from deskbreak.errors import DeskbreakError

if TYPE_CHECKING:
    from deskbreak.adapters.tray import TrayBackend as Tray
    from deskbreak.paths import Paths
    from deskbreak.service import Sensors, Service
    from deskbreak.service.engine_thread import EngineThread, Mailbox

#: Verbs whose subcommand takes arguments of its own (registered by hand below); every other
#: verb is a plain subcommand that sends itself.
_VERBS_WITH_OWN_PARSER = (Verb.STATUS, Verb.PAUSE, Verb.CHECKIN)


def register(subparsers: Any) -> None:
    run = subparsers.add_parser("run", help="run the service (tray icon; console without a desktop)",
                                description="Run deskbreak in the foreground. Autostart runs the "
                                            "same command.")
    run.add_argument("--programme", type=Path, metavar="FILE",
                     help="programme to follow (default: the installed one, else the shipped "
                          "general programme)")
    run.add_argument("--console", action="store_true",
                     help="prompts in this terminal instead of the desktop")
    run.add_argument("--poll", type=float, default=5.0, metavar="SECONDS",
                     help="seconds between idle samples (default 5)")
    run.add_argument("--speed", type=float, default=1.0, metavar="FACTOR",
                     help="run the clock FACTOR times faster (demos and tests)")
    run.add_argument("--idle-source", metavar="NAME", help="x11, gnome, freedesktop, windows, "
                     "macos or fake (default: the first that works)")
    run.add_argument("--no-windows", action="store_true",
                     help="notifications only, no prompt window")
    run.set_defaults(func=cmd_run)

    status = subparsers.add_parser("status", help="what the running service sees now")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(func=cmd_status)

    pause = subparsers.add_parser("pause", help="no prompts for a while: 30m, 1h, today")
    pause.add_argument("duration", nargs="?", metavar="DURATION|today",
                       help="how long (default: until `deskbreak resume`)")
    pause.set_defaults(func=cmd_pause)

    for spec in COMMANDS:
        if spec.verb not in _VERBS_WITH_OWN_PARSER:
            parser = subparsers.add_parser(spec.verb.value, help=spec.help)
            parser.set_defaults(func=cmd_simple, verb=spec.verb)

    checkin = subparsers.add_parser("checkin", help="record a symptom check-in now")
    checkin.add_argument("question", choices=("neck", "headache"))
    checkin.add_argument("value", help="neck: 0-10; headache: none, mild, moderate or severe")
    checkin.set_defaults(func=cmd_checkin)

    doctor = subparsers.add_parser("doctor", help="what deskbreak can use on this machine")
    doctor.set_defaults(func=cmd_doctor)

    autostart = subparsers.add_parser("autostart", help="start deskbreak when you log in")
    autostart.add_argument("action", choices=("enable", "disable", "status", "install",
                                              "uninstall"),
                           help="install/uninstall: also the menu launcher, icons and metadata")
    autostart.add_argument("--systemd", action="store_true",
                           help="install: a systemd user unit instead of the autostart entry")
    autostart.add_argument("--purge", action="store_true",
                           help="uninstall: remove the compliance log and programme too")
    autostart.set_defaults(func=cmd_autostart)


def _send(command: Command) -> dict[str, Any]:
    """Send `command` to the running service; its reply, or DeskbreakError with its message."""
    from deskbreak.control import send

    request = command.request()
    response: dict[str, Any] = send(request["command"], request["args"])
    if not response.get("ok"):
        raise DeskbreakError(response.get("message") or f"{command.verb.value} failed")
    return response


def cmd_status(args: argparse.Namespace) -> int:
    data = _send(Command(Verb.STATUS))["data"]
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    print(data["line"])
    if data.get("open_prompt"):
        print(f"Open prompt {data['open_prompt']}: {data['open_break']}")
    print(f"Programme: {data['programme']} ({data['programme_path']})")
    if data.get("programme_problems"):
        print("The programme file has problems; the previous programme stays in force:")
        for line in data["programme_problems"]:
            print(f"  {line}")
    if data.get("idle_caveat"):
        print(f"Note: {data['idle_caveat']}.")
    if not data.get("in_working_hours"):
        print("Outside working hours: no prompts now.")
    if data.get("neck_prompts_paused_until"):
        print("Neck exercise prompts are paused for the rest of the day after your answers "
              "to the safety questions; movement breaks go on.")
    tray = data.get("tray") or {}
    reason = str(tray.get("reason") or "")
    if tray.get("visible") is False and reason.startswith("console mode"):
        print(f"Running in {reason}: prompts appear in its terminal; `deskbreak pause`, "
              "`resume` and `break-now` work here.")
    elif tray.get("visible") is False:
        print(f"No tray icon is shown: {reason}. Prompts still come as notifications and "
              "windows; `deskbreak pause`, `resume` and `break-now` work here.")
    if data.get("log_notice"):
        print(f"Warning: {data['log_notice']}.")
    if data.get("pending_events"):
        why = f" ({data['log_error']})" if data.get("log_error") else ""
        print(f"Warning: {data['pending_events']} events wait to be written to the log{why}; "
              "they are kept and written as soon as it can be")
    return 0


def cmd_pause(args: argparse.Namespace) -> int:
    print(_send(command_from_request("pause", {"for": args.duration}))["message"])
    return 0


def cmd_simple(args: argparse.Namespace) -> int:
    print(_send(Command(args.verb))["message"])
    return 0


def cmd_checkin(args: argparse.Namespace) -> int:
    value: int | str = args.value
    if args.question == "neck":
        if not args.value.isdigit():
            raise DeskbreakError("the neck score is a whole number from 0 to 10")
        value = int(args.value)
    command = command_from_request("checkin", {"question": args.question, "value": value})
    print(_send(command)["message"])
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from deskbreak.adapters.probe import describe_desktop
    from deskbreak.library import default_programme_path, load_programme
    from deskbreak.paths import user_paths

    paths = user_paths()
    for probe in describe_desktop():
        print(f"{probe.part:18} {probe.chosen or '-':22} {probe.reading}")
        for attempt in probe.tried:
            print(f"{'':18} tried {attempt}")
        if probe.missing_hint:
            print(f"{'':18} hint: {probe.missing_hint}")
    programme_path = default_programme_path()
    try:
        programme = load_programme(programme_path)
        print(f"{'programme':18} {programme.title!r} from {programme_path}")
    except DeskbreakError as error:
        print(f"{'programme':18} PROBLEMS in {programme_path}:")
        for line in str(error).splitlines():
            print(f"{'':18} {line}")
    print(f"{'compliance log':18} {paths.database}")
    print(f"{'service log':18} {paths.service_log}")
    _doctor_install_lines()
    try:
        data = _send(Command(Verb.STATUS))["data"]
        print(f"{'service':18} running (pid {data['pid']}): {data['line']}")
        tray = data.get("tray") or {}
        shown = {True: "shown", False: "NOT SHOWN", None: "shown?"}[tray.get("visible")]
        print(f"{'tray icon':18} {tray.get('backend') or '-':22} {shown}: {tray.get('reason')}")
        for line in data.get("programme_problems") or []:
            print(f"{'':18} programme problem: {line}")
    except DeskbreakError as error:
        print(f"{'service':18} {error}")
    return 0


def _doctor_install_lines() -> None:
    """Tk (which pip cannot install) and an autostart entry whose Python is gone."""
    from deskbreak import autostart
    from deskbreak.desktop_integration import tk_reading

    tk_ok, tk_text = tk_reading()
    print(f"{'prompt windows':18} {'tk' if tk_ok else '-':22} {tk_text}")
    try:
        print(f"{'autostart':18} {autostart.status_line()}")
    except DeskbreakError as error:
        print(f"{'autostart':18} {error}")


def cmd_autostart(args: argparse.Namespace) -> int:
    from deskbreak import autostart

    if args.action in ("install", "uninstall"):
        flags = ["--systemd"] if args.systemd else ["--purge"] if args.purge else []
        from deskbreak.desktop_integration import autostart_command

        return autostart_command([args.action, *flags])
    if args.action == "enable":
        where = autostart.enable(autostart.default_command())
        print(f"deskbreak will start when you log in ({where})")
    elif args.action == "disable":
        removed = autostart.disable()
        print("autostart disabled" if removed else "autostart was not enabled")
    else:
        # Says when the entry's Python is gone, and offers the fix on a terminal.
        autostart.report_status(input if sys.stdin.isatty() else None)
    return 0


def has_display() -> tuple[bool, str]:
    """Whether a desktop session is reachable, and if not, why."""
    if sys.platform.startswith("win") or sys.platform == "darwin":
        return True, ""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return True, ""
    return False, "no desktop session (neither DISPLAY nor WAYLAND_DISPLAY is set)"


def cmd_run(args: argparse.Namespace) -> int:
    from deskbreak.instance import InstanceLock
    from deskbreak.paths import ensure_private_dir, user_paths
    from deskbreak.service.engine_thread import EngineThread, Mailbox
    from deskbreak.service.runtime import install_signal_handlers, setup_service_logging

    if args.poll <= 0 or args.speed <= 0:
        raise DeskbreakError("--poll and --speed must be more than 0")
    paths = user_paths()
    for folder in (paths.data, paths.state, paths.config, paths.runtime):
        ensure_private_dir(folder)
    setup_service_logging(paths, args.verbose)

    with InstanceLock(paths.instance_lock):
        console_reason = "asked for with --console" if args.console else None
        if console_reason is None:
            ok, why = has_display()
            if not ok:
                console_reason = why
        # The engine thread's queue exists first: the tray, the presenter and the service all
        # hand what the user did to it, and it holds it until the engine starts.
        engine_thread = EngineThread()
        inbox = Mailbox(engine_thread)
        built: list[Service] = []
        tray: Tray | None = None
        #: Why there is no tray icon, for `status` and `doctor` (None: there is one).
        tray_error = f"console mode ({console_reason})" if console_reason else None
        if console_reason is None:
            try:
                from deskbreak.adapters.tray import Tray

                tray = Tray(lambda words: inbox.words(words, "tray"))
            except (DeskbreakError, ImportError) as error:
                # Notifications and prompt windows still work without a tray icon.
                tray_error = str(error)
                print(f"deskbreak: no tray icon ({error}); prompts still come as "
                      "notifications and windows, and `deskbreak status` tells the rest.",
                      file=sys.stderr, flush=True)
        else:
            print(f"deskbreak: console mode ({console_reason}). Prompts appear here.",
                  flush=True)

        def stop() -> None:
            if built:
                built[0].request_quit()
            elif tray is not None:
                tray.stop()

        install_signal_handlers(stop)  # signal handlers can only be set on the main thread

        def start() -> None:
            service = build_service(args, paths, engine_thread, inbox, tray,
                                    console=console_reason is not None)
            service.tray_error = tray_error
            built.append(service)
            service.start_background()
            if console_reason is None and not args.no_windows:
                # Once per user (the window remembers), never waited for: the engine runs on.
                from deskbreak.service.runtime import open_first_start_welcome

                open_first_start_welcome()
            print(f"deskbreak: running {service.engine.programme.title!r} (pid {os.getpid()}); "
                  "`deskbreak status` tells what it sees.", flush=True)
            if service.idle_error:
                print("deskbreak: no idle source, so all working time counts as sitting "
                      f"({service.idle_error.splitlines()[0]})", flush=True)

        try:
            if tray is not None:
                run_with_tray(tray, start)
            else:
                start()
                console_loop(built[0])
        finally:
            if built:
                built[0].shutdown("quit")
    return 0


def build_service(args: argparse.Namespace, paths: Paths, engine_thread: EngineThread,
                  inbox: Mailbox,
                  tray: Tray | None, console: bool) -> Service:
    """Load the programme (falling back to the shipped default when it is broken), open the
    OS readers and the presenter, and build the service with all of them."""
    from deskbreak.clock_system import ScaledClock, SystemClock
    from deskbreak.core.clock import Clock
    from deskbreak.core.events import ProgrammeRejected
    from deskbreak.core.programme_file import ProgrammeInvalid
    from deskbreak.library import default_programme_path, load_programme, shipped_default_programme
    from deskbreak.service import RunOptions, Service
    from deskbreak.service.ports import Presenter
    from deskbreak.store import open_store

    programme_path = (args.programme or default_programme_path()).resolve()
    clock: Clock = ScaledClock(args.speed) if args.speed != 1.0 else SystemClock()
    rejected: ProgrammeRejected | None = None
    try:
        programme = load_programme(programme_path)
    except ProgrammeInvalid as error:
        # Start anyway with the shipped general programme, and say so loudly: a broken edit
        # must never leave the user with no breaks at all.
        fallback = shipped_default_programme()
        print(f"deskbreak: {programme_path} has problems; using {fallback.name} until it is "
              "fixed:", file=sys.stderr)
        for line in error.lines():
            print(f"  {line}", file=sys.stderr)
        rejected = ProgrammeRejected(at=clock.now(), path=str(programme_path),
                                     problems=tuple(error.lines()))
        programme = load_programme(fallback)
    options = RunOptions(programme_path=programme_path, poll_seconds=args.poll,
                         console=args.console, speed=args.speed,
                         idle_source=args.idle_source, windows=not args.no_windows)
    presenter: Presenter

    def open_log() -> Any:
        # A damaged log was set aside and a new one started: say so in one line, as report
        # and simulate --log do.
        store = open_store(paths.database)
        if store.notice:
            print(f"deskbreak: {store.notice}", file=sys.stderr, flush=True)
        return store

    if console:
        from deskbreak.presenters import ConsolePresenter

        presenter = ConsolePresenter()
    else:
        from deskbreak.adapters.notify import choose_notifier
        from deskbreak.presenters import DesktopPresenter

        window_args = ("--speed", f"{options.speed:g}") if options.speed != 1.0 else ()
        presenter = DesktopPresenter(inbox, lambda on_action: choose_notifier(on_action),
                                     windows=options.windows, speed=options.speed,
                                     window_args=window_args)
    play_cue: Callable[[], object] | None = None
    if not console:
        from deskbreak.adapters.sound import SoundCue

        cue = SoundCue(enabled=True)  # played only while the programme asks for sound
        play_cue = lambda: cue.play("break")  # noqa: E731
    return Service(options=options, paths=paths, clock=clock, programme=programme,
                   engine_thread=engine_thread, open_store=open_log,
                   presenter=presenter, sensors=open_sensors(options.idle_source),
                   load_programme=load_programme, tray=tray, startup_rejection=rejected,
                   play_cue=play_cue)


def open_sensors(idle_override: str | None) -> Sensors:
    """The OS readers that work here: idle time, screen lock, fullscreen windows."""
    import logging

    from deskbreak.adapters.idle import choose_idle_source
    from deskbreak.service import Sensors
    from deskbreak.service.app import idle_caveat

    log = logging.getLogger("deskbreak.service")
    sensors = Sensors(reopen_idle=lambda: choose_idle_source(idle_override))
    try:
        sensors.idle = choose_idle_source(idle_override)
        sensors.idle_caveat = idle_caveat(sensors.idle)
        log.info("idle source: %s", sensors.idle.name)
        if sensors.idle_caveat:
            log.warning("idle source %s: %s", sensors.idle.name, sensors.idle_caveat)
    except DeskbreakError as error:
        sensors.idle_error = str(error)
        log.info("no idle source; counting all time as sitting: %s", error)
    try:
        from deskbreak.adapters.session import choose_lock_source

        sensors.lock = choose_lock_source()
    except Exception as error:  # lock detection is a refinement; idle time still works
        log.info("no screen-lock source: %s", error)
    try:
        from deskbreak.adapters.fullscreen import choose_fullscreen_detector

        sensors.fullscreen = choose_fullscreen_detector().active_window_is_fullscreen
    except Exception as error:
        log.info("no fullscreen detection: %s", error)
    from deskbreak.adapters.calls import CallDetector

    sensors.busy = CallDetector().reason  # never raises; says nothing without a sound server
    return sensors


def run_with_tray(tray: Tray, start: Callable[[], None]) -> None:
    """Show the icon first, then start the service from the tray's setup callback (another
    thread), so the icon appears as soon as possible. A start-up error ends the tray and is
    raised here, on the main thread, for the CLI to report."""
    failures: list[BaseException] = []

    def setup() -> None:
        try:
            start()
        except BaseException as error:  # handed to the main thread below
            failures.append(error)
            tray.stop()

    tray.run(setup=setup)
    if failures:
        raise failures[0]


def console_loop(service: Service) -> None:
    """Read commands (letters or words) from stdin until quit; without stdin, wait until
    stopped."""
    from deskbreak.core.commands import CommandError, console_help, parse_console

    print(f"deskbreak: {console_help()}", flush=True)

    def reader() -> None:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                command = parse_console(line)
            except CommandError as error:
                print(f"deskbreak: {error}", flush=True)
                continue
            reply = service.run(command)
            print(f"deskbreak: {reply.message}", flush=True)
            if command.verb is Verb.QUIT:
                return
        # stdin closed (started without a terminal): keep running until stopped.

    threading.Thread(target=reader, name="console-input", daemon=True).start()
    # No timeout: the process should not wake up while nothing happens. A signal handler
    # still runs (lock waits are interruptible), and it ends the service, which sets this.
    service.finished.wait()
