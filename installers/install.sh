#!/usr/bin/env bash
# Install deskbreak for the current user on Linux or macOS and start it at every login.
#
#   installers/install.sh              install (or upgrade) and enable autostart
#   installers/install.sh --uninstall  disable autostart and remove the program (keeps your data)
#
# deskbreak goes into its own virtual environment (DESKBREAK_VENV overrides where), because
# system Pythons refuse `pip install --user` (PEP 668). DESKBREAK_SOURCE overrides what pip
# installs (default: the source tree this script is in; "deskbreak" for the published package).
# No sudo, nothing outside your home directory.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source_spec="${DESKBREAK_SOURCE:-$(dirname "$here")}"
python="${PYTHON:-python3}"
if [[ "$(uname -s)" == "Darwin" ]]; then
    venv="${DESKBREAK_VENV:-$HOME/Library/Application Support/deskbreak/venv}"
else
    venv="${DESKBREAK_VENV:-${XDG_DATA_HOME:-$HOME/.local/share}/deskbreak/venv}"
fi
bin_link="$HOME/.local/bin/deskbreak"

if [[ -n "${DESKBREAK_HOME:-}" ]]; then
    echo "install.sh: note: DESKBREAK_HOME is set, so the autostart entry goes below it," >&2
    echo "install.sh: not into your desktop's autostart folder. Unset it to install normally." >&2
fi

if [[ "${1:-}" == "--uninstall" ]]; then
    if [[ -x "$venv/bin/python" ]]; then
        "$venv/bin/python" -m deskbreak.autostart disable
        "$venv/bin/python" -m deskbreak quit 2>/dev/null || true
    fi
    [[ -L "$bin_link" ]] && rm -f "$bin_link"
    rm -rf "$venv"
    echo "deskbreak removed. Your compliance log and settings were left in place."
    exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
    echo "install.sh: creating $venv"
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

# Writes the .desktop file / LaunchAgent with this venv's Python as the command.
"$venv/bin/python" -m deskbreak.autostart enable
echo "Done. deskbreak starts at your next login; start it now with: deskbreak run &"
