"""Command-line commands. Each module has `register(subparsers)`; handlers return an exit code.

Handlers raise `DeskbreakError` for anything the user can fix; only `deskbreak.cli` turns errors
into exit codes. Keep module-level imports light: `deskbreak status` must answer fast.
"""
