"""`python -m deskbreak.autostart enable|disable|status|install|uninstall`: for the installer
scripts, before the CLI is on PATH. The command lives in deskbreak.desktop_integration, which
builds on deskbreak.autostart (install and uninstall write more than the login entry)."""

import sys

from deskbreak.desktop_integration import autostart_command

sys.exit(autostart_command(sys.argv[1:]))
