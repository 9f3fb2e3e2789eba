"""``budgetkg.regex_cache``: patterns compiled in an earlier run are made from the file,
and behave as ``re`` makes them; a file of another interpreter, or damaged, is not used."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from budgetkg import regex_cache
from budgetkg.loader import values

PATTERNS = [
    (values._QTY.pattern, 0),
    (r"(?P<y>[0-9]{4})年(?:(?P<m>[0-9]{1,2})月)?", 0),
    (r"^\s*(?:#|//)", re.MULTILINE),
    (rb"<meta[^>]+charset\s*=\s*[\"']?\s*([-\w.:]+)", re.I),
    (r"(a)|(?P<b>b)\1?", re.X),
    (r"(?i)abc|(?s:x.y)", 0),  # flags set inside the pattern
]
TEXTS = ["≥95%", "不少于 3 个", "2022年12月 and 2023年", "  # x\n// y", b"<meta charset='utf-8'>", "ab a b", "ABC abc x\ny"]


def _same(ours: re.Pattern, theirs: re.Pattern) -> None:
    assert (ours.pattern, ours.flags, ours.groups, ours.groupindex) == \
        (theirs.pattern, theirs.flags, theirs.groups, theirs.groupindex)
    for text in TEXTS:
        if isinstance(text, bytes) != isinstance(ours.pattern, bytes):
            continue
        assert [m.span() + m.groups() for m in ours.finditer(text)] == \
            [m.span() + m.groups() for m in theirs.finditer(text)]


def test_a_kept_pattern_is_the_pattern_re_makes(tmp_path):
    first = regex_cache.RegexCache(tmp_path / "cache")
    made = [first.compile(p, f) for p, f in PATTERNS]
    first.save()
    again = regex_cache.RegexCache(tmp_path / "cache")
    assert set(again.kept) == set(first.kept) and len(again.kept) == len(PATTERNS)
    for (p, f), one in zip(PATTERNS, made):
        kept = again.compile(p, f)
        assert not again.new  # made from the file
        _same(kept, re.compile(p, f))
        _same(one, re.compile(p, f))


def test_errors_are_re_s(tmp_path):
    cache = regex_cache.RegexCache(tmp_path / "cache")
    with pytest.raises(re.error):
        cache.compile("(unclosed", 0)
    assert not cache.new


def test_a_damaged_file_or_entry_is_not_used(tmp_path):
    path = tmp_path / "cache"
    path.write_bytes(b"\x00not marshal")
    cache = regex_cache.RegexCache(path)
    assert cache.kept == {}
    _same(cache.compile(*PATTERNS[1]), re.compile(*PATTERNS[1]))
    cache.save()
    key = next(iter(cache.kept))
    cache.kept[key] = (0, b"\xff\xff\xff\xff", 0, {}, ())  # code _sre refuses
    cache.used.clear()
    _same(cache.compile(*PATTERNS[1]), re.compile(*PATTERNS[1]))


def test_the_file_is_per_interpreter(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = regex_cache.cache_file()
    assert path.parent == tmp_path / "budgetkg"
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert regex_cache.cache_file() != path


def test_the_file_keeps_one_runs_patterns(tmp_path):
    """Patterns used no more (some libraries build theirs from sets, in another order in
    each process) are dropped when the file is written again."""
    first = regex_cache.RegexCache(tmp_path / "cache")
    first.compile("a|b", 0)
    first.compile("c|d", 0)
    first.save()
    second = regex_cache.RegexCache(tmp_path / "cache")
    second.compile("a|b", 0)
    second.compile("b|a", 0)  # new
    second.save()
    assert {k[1] for k in regex_cache.RegexCache(tmp_path / "cache").kept} == {"a|b", "b|a"}


PROBE = """
import json, sys
import re._parser
parsed = []
parse = re._parser.parse
def counting(*args, **kwargs):
    parsed.append(1)
    return parse(*args, **kwargs)
re._parser.parse = counting
from budgetkg.script import run
try:
    run()
except SystemExit as exc:
    print(json.dumps({"parsed": len(parsed), "status": exc.code}), file=sys.stderr)
"""


def test_a_second_load_compiles_almost_no_pattern(tmp_path, seed_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    runs = []
    for k in range(2):
        done = subprocess.run([sys.executable, "-P", "-c", PROBE, "load", "--data-dir", str(tmp_path / f"d{k}"),
                               str(seed_path)], capture_output=True, text=True, timeout=120, env=env)
        runs.append(json.loads(done.stderr.strip().splitlines()[-1]))
    assert runs[0]["status"] == runs[1]["status"] == 0
    assert runs[0]["parsed"] > 50  # the loader's patterns, and its libraries'
    assert runs[1]["parsed"] < 10  # (a few libraries build patterns in another order each time)
    assert list((tmp_path / "xdg" / "budgetkg").glob("regex-*.marshal"))
    off = subprocess.run([sys.executable, "-P", "-c", PROBE, "load", "--data-dir", str(tmp_path / "d3"),
                          str(seed_path)], capture_output=True, text=True, timeout=120,
                         env={**env, "BUDGETKG_REGEX_CACHE": "0"})
    assert json.loads(off.stderr.strip().splitlines()[-1])["parsed"] > 50
