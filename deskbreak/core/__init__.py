"""The pure core: no I/O, no threads, no clock reads, no GUI imports.

Everything here takes the current time as an argument (see `clock.Clock`), so a whole week can be
replayed in a fraction of a second and every rule is testable without waiting.
"""
