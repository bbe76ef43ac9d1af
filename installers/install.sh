#!/usr/bin/env bash
# Install deskbreak for the current user on Linux or macOS and start it at every login.
#
#   installers/install.sh                      install (or upgrade) and enable autostart
#   installers/install.sh --systemd            Linux: start it with a systemd user unit instead
#   installers/install.sh --uninstall          remove the program and everything install added
#                                              (keeps your compliance log and programme)
#   installers/install.sh --uninstall --purge  ... and remove your data too
#
# deskbreak goes into its own virtual environment (DESKBREAK_VENV overrides where), because
# system Pythons refuse `pip install --user` (PEP 668). DESKBREAK_SOURCE overrides what pip
# installs (default: the source tree this script is in; "deskbreak" for the published package).
# PYTHON names the interpreter to use; otherwise the newest python3.X >= 3.10 on PATH.
# On Linux it also adds a menu launcher, icons and AppStream metadata below ~/.local/share.
# No sudo, nothing outside your home directory.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source_spec="${DESKBREAK_SOURCE:-$(dirname "$here")}"
if [[ "$(uname -s)" == "Darwin" ]]; then
    venv="${DESKBREAK_VENV:-$HOME/Library/Application Support/deskbreak/venv}"
else
    venv="${DESKBREAK_VENV:-${XDG_DATA_HOME:-$HOME/.local/share}/deskbreak/venv}"
fi
bin_link="$HOME/.local/bin/deskbreak"

uninstall=0 purge=0 systemd=0
for arg in "$@"; do
    case "$arg" in
        --uninstall) uninstall=1 ;;
        --purge) purge=1 ;;
        --systemd) systemd=1 ;;
        *) echo "usage: install.sh [--systemd] | --uninstall [--purge]" >&2; exit 2 ;;
    esac
done

if [[ -n "${DESKBREAK_HOME:-}" ]]; then
    echo "install.sh: note: DESKBREAK_HOME is set, so the autostart entry and desktop files go" >&2
    echo "install.sh: below it, not into your desktop's folders. Unset it to install normally." >&2
fi

if ((uninstall)); then
    if [[ -x "$venv/bin/python" ]]; then
        # Stop a running service first; "not running" is fine.
        "$venv/bin/python" -m deskbreak quit >/dev/null 2>&1 || true
        args=(uninstall)
        ((purge)) && args+=(--purge)
        "$venv/bin/python" -m deskbreak.autostart "${args[@]}"
    else
        echo "install.sh: no deskbreak in $venv; nothing else to remove." >&2
    fi
    [[ -L "$bin_link" ]] && rm -f "$bin_link"
    rm -rf "$venv"
    # The venv's parent is deskbreak's data folder; drop it only if nothing of yours is in it.
    rmdir "$(dirname "$venv")" 2>/dev/null || true
    echo "deskbreak removed."
    exit 0
fi

# The first python3 on PATH can be too old (a stock Mac's is 3.9): try the newest first.
version_ok() { "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; }
python=""
for candidate in ${PYTHON:+"$PYTHON"} python3.14 python3.13 python3.12 python3.11 python3.10 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && version_ok "$candidate"; then
        python="$candidate"
        break
    fi
    if [[ -n "${PYTHON:-}" && "$candidate" == "$PYTHON" ]]; then
        echo "install.sh: PYTHON=$PYTHON is not a Python 3.10 or newer with venv." >&2
        exit 1
    fi
done
if [[ -z "$python" ]]; then
    echo "install.sh: deskbreak needs Python 3.10 or newer (with its venv module); found none." >&2
    echo "install.sh: Debian/Ubuntu: sudo apt install python3 python3-venv python3-tk;" >&2
    echo "install.sh: macOS: install Python from python.org or run: brew install python-tk" >&2
    exit 1
fi

if [[ ! -x "$venv/bin/python" ]]; then
    echo "install.sh: creating $venv with $("$python" --version)"
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet --upgrade "$source_spec"

# A `deskbreak` command on PATH for the status/pause/report commands.
mkdir -p "$(dirname "$bin_link")"
ln -sf "$venv/bin/deskbreak" "$bin_link"
case ":$PATH:" in
    *":$HOME/.local/bin:"*) ;;
    *) echo "install.sh: add ~/.local/bin to your PATH to type \`deskbreak\` in a terminal." ;;
esac

# Launcher, icons, metadata (Linux) and the autostart entry or unit, with this venv's Python.
args=(install)
((systemd)) && args+=(--systemd)
"$venv/bin/python" -m deskbreak.autostart "${args[@]}"
"$venv/bin/python" -c 'import tkinter' 2>/dev/null ||
    echo "install.sh: warning: Tk is missing, so prompts show only as notifications; see \`deskbreak doctor\`." >&2
echo "Done. deskbreak starts at your next login; start it now with: deskbreak run &"
