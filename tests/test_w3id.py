"""The w3id.org rules (docs/w3id/.htaccess): terms redirect to the HTML documentation or,
by Accept, to Turtle / JSON-LD / N-Triples, at paths the service and the static site answer.

Apache is not installed here: a small reading of the mod_rewrite subset the file uses
(RewriteCond on HTTP_ACCEPT with [NC] and RewriteRule with R=…,L), enough to catch a rule
that sends a term to the wrong place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

HTACCESS = Path(__file__).parents[1] / "docs" / "w3id" / ".htaccess"
HOST = "https://budgetkg.example.org"


def rules() -> list[tuple[list[str], str, str, str]]:
    """(accept patterns, rule pattern, target, flags) in file order."""
    out, conds = [], []
    for line in HTACCESS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("RewriteCond"):
            _, var, pattern, *_ = line.split()
            assert var == "%{HTTP_ACCEPT}", line
            conds.append(pattern)
        elif line.startswith("RewriteRule"):
            _, pattern, target, flags = line.split()
            out.append((conds, pattern, target, flags))
            conds = []
    return out


def redirect(path: str, accept: str) -> tuple[str, int]:
    for conds, pattern, target, flags in rules():
        if not all(re.search(c, accept, re.I) for c in conds):
            continue
        m = re.match(pattern, path)
        if m:
            status = int(re.search(r"R=(\d+)", flags).group(1))  # type: ignore[union-attr]
            return re.sub(r"\$(\d)", lambda g: m.group(int(g.group(1))), target), status
    raise AssertionError(f"no rule for {path}")


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("path,accept,expected", [
    ("def/", "text/turtle", "/def/index.ttl"),
    ("def", "application/ld+json", "/def/index.jsonld"),
    ("def/", BROWSER, "/def/"),
    ("def/ProjectYear", "text/turtle", "/def/ProjectYear.ttl"),
    ("def/ProjectYear", "application/ld+json", "/def/ProjectYear.jsonld"),
    ("def/ProjectYear", "application/n-triples", "/def/ProjectYear.nt"),
    ("def/ProjectYear", BROWSER, "/def/ProjectYear.html"),
    ("def/fund-source/total", "text/turtle", "/def/fund-source/total.ttl"),
    ("def/0.2.0", BROWSER, "/def/0.2.0.html"),
])
def test_terms_redirect_by_accept(path, accept, expected):
    assert redirect(path, accept) == (HOST + expected, 303)


def test_other_paths_go_to_the_site():
    assert redirect("", BROWSER) == (HOST + "/", 302)


def test_the_targets_are_what_the_service_answers(tmp_path_factory):
    """Each redirect target is a document the service serves (with its format)."""
    from web_seed import seeded_data_dir

    from budgetkg.service import close_app, create_app

    app = create_app({"data_dir": seeded_data_dir(tmp_path_factory), "workers": 0})
    try:
        client = app.test_client()
        for path, accept, media in (("def/", "text/turtle", "text/turtle"),
                                    ("def/ProjectYear", "application/ld+json", "application/ld+json"),
                                    ("def/ProjectYear", BROWSER, "text/html"),
                                    ("def/fund-source/total", "text/turtle", "text/turtle")):
            target, _ = redirect(path, accept)
            r = client.get(target[len(HOST):])
            assert r.status_code == 200 and r.mimetype == media, (target, r.status_code)
    finally:
        close_app(app)
