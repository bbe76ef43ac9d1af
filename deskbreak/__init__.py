"""deskbreak: physiotherapist-prescribed neck exercises and movement breaks, timed by real sitting."""

__version__ = "0.1.0"
