"""Exit statuses of every command (README: "Exit status everywhere")."""

from __future__ import annotations

#: All went well.
EXIT_OK = 0
#: Invalid data: violations, unreadable tables (the good parts are still processed).
EXIT_INVALID = 1
#: Usage or I/O error: a bad flag, a file or store that cannot be read or written.
EXIT_USAGE = 2
