"""Compiled regular expressions kept from one run of the command line to the next.

CPython compiles a pattern in Python (``re._parser``, ``re._compiler``) in every new
process: ~35 ms of a seed load's ~0.6 s, for ~135 patterns (the loader's, and those of
the libraries it imports). What the compiler hands to ``_sre.compile`` depends only on
the pattern, its flags and the interpreter, so ``install`` keeps it in a file keyed by
the interpreter's version and its regex engine's (``sys.version``, ``_sre.MAGIC``): a
pattern seen before is made by ``_sre.compile`` directly, as ``re`` would make it, and
new ones are added at exit. Anything unexpected (another Python's ``re`` internals, an
unreadable or damaged file) and ``re`` compiles as usual. Only the ``budgetkg`` script
installs it (``budgetkg.script``); ``BUDGETKG_REGEX_CACHE=0`` turns it off.
"""

from __future__ import annotations

import atexit
import hashlib
import marshal
import os
import sys
from array import array
from pathlib import Path
from typing import Any

#: Bumped when what is kept changes meaning.
FORMAT = 1
# (is bytes, pattern, flags) -> (flags, code as array("I") bytes, groups, groupindex, indexgroup)
_Entry = tuple[int, bytes, int, dict[str, int], tuple[Any, ...]]


def cache_file() -> Path:
    """``$XDG_CACHE_HOME/budgetkg`` (default ``~/.cache/budgetkg``), one file per interpreter."""
    import _sre

    key = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{_sre.MAGIC}\0{sys.implementation.cache_tag}".encode())
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "budgetkg" / f"regex-{key.hexdigest()[:16]}.marshal"


class RegexCache:
    """``re._compiler.compile`` served from (and adding to) a file of compiled patterns."""

    def __init__(self, path: Path) -> None:
        import re._compiler as compiler
        import re._parser as parser
        import _sre

        self.path = path
        self._compiler, self._parser, self._sre = compiler, parser, _sre
        self._original = compiler.compile
        self.kept: dict[tuple[bool, str | bytes, int], _Entry] = {}
        self.new: dict[tuple[bool, str | bytes, int], _Entry] = {}
        self.used: set[tuple[bool, str | bytes, int]] = set()
        try:
            loaded = marshal.loads(path.read_bytes())
            if isinstance(loaded, dict):
                self.kept = loaded
        except (OSError, EOFError, ValueError, TypeError):
            pass  # none yet, or damaged: made again

    def compile(self, p: Any, flags: int = 0) -> Any:
        """What ``re._compiler.compile(p, flags)`` returns."""
        if not isinstance(p, (str, bytes)) or flags & 128:  # (a parsed pattern; re.DEBUG prints)
            return self._original(p, flags)
        key = (isinstance(p, bytes), p, int(flags))
        entry = self.kept.get(key) or self.new.get(key)
        if entry is not None:
            try:
                pattern = self._sre.compile(p, entry[0], array("I", entry[1]).tolist(), *entry[2:])
            except Exception:  # noqa: BLE001 - a damaged entry: compiled as usual below
                self.kept.pop(key, None)
            else:
                self.used.add(key)
                return pattern
        try:  # re._compiler.compile, keeping its pieces (CPython 3.11-3.13)
            parsed = self._parser.parse(p, flags)
            code = self._compiler._code(parsed, flags)
            groupindex = dict(parsed.state.groupdict)
            indexgroup: list[Any] = [None] * parsed.state.groups
            for name, i in groupindex.items():
                indexgroup[i] = name
            entry = (int(flags | parsed.state.flags), array("I", code).tobytes(), parsed.state.groups - 1,
                     groupindex, tuple(indexgroup))
            pattern = self._sre.compile(p, entry[0], list(code), *entry[2:])
        except Exception:  # noqa: BLE001 - an error in the pattern, or internals not as expected
            return self._original(p, flags)  # (raises re.error as re does)
        self.new[key] = entry
        return pattern

    def save(self) -> None:
        """When some pattern was new: the file made again of the patterns this process
        used. (Some libraries build patterns from sets, in another order in each process:
        the file holds one run's, not every run's.)"""
        if not self.new:
            return
        kept = {k: v for k, v in self.kept.items() if k in self.used}
        kept.update(self.new)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(marshal.dumps(kept))
            os.replace(tmp, self.path)  # atomic: another run reads the old file or this one
        except (OSError, ValueError):
            pass  # not writable: compiled again next time
        self.kept = kept
        self.used.update(self.new)
        self.new.clear()


_installed: RegexCache | None = None


def install(path: Path | None = None) -> RegexCache | None:
    """Serve ``re``'s compiles of this process from the file (saved at exit); None when
    turned off or when this interpreter's ``re`` is not the one this module knows."""
    global _installed
    if _installed is not None:
        return _installed
    if os.environ.get("BUDGETKG_REGEX_CACHE", "1") == "0" or sys.implementation.name != "cpython":
        return None
    try:
        import re._compiler as compiler
        import re._parser as parser
    except ImportError:
        return None
    if not (hasattr(compiler, "_code") and hasattr(parser, "parse")):
        return None
    cache = RegexCache(path or cache_file())
    compiler.compile = cache.compile
    atexit.register(cache.save)
    _installed = cache
    return cache
