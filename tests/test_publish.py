"""`budgetkg publish`: the static site, served by a real nginx with the shipped rules,
answers every IRI of the seed and a second year in HTML, Turtle and JSON-LD by Accept,
with the same triples as the live service."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

import pytest
from skip_policy import missing_tool
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from budgetkg.documents import seed_path

FIXTURES = Path(__file__).parent / "fixtures"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
FORMATS = {"html": ("text/html", None), "turtle": ("text/turtle", "turtle"),
           "json-ld": ("application/ld+json", "json-ld")}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    from budgetkg.cli import main

    data = tmp_path_factory.mktemp("publish") / "data"
    r = CliRunner().invoke(main, ["load", str(seed_path()), str(FIXTURES / "second_year_2023.txt"),
                                  "--data-dir", str(data), "--workers", "0", "--no-validate"])
    assert r.exit_code in (0, 1), r.output
    return data


@pytest.fixture(scope="module")
def nginx(tmp_path_factory, data_dir):
    """(site folder, base URL, publish output) with nginx serving the site."""
    if NGINX is None:
        pytest.skip(missing_tool("nginx", "apt-get install nginx; .ci/run does"))
    from budgetkg.cli import main

    tmp = tmp_path_factory.mktemp("nginx")
    site = tmp / "site"
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    r = CliRunner().invoke(main, ["publish", str(site), "--base-url", base, "--data-dir", str(data_dir)])
    assert r.exit_code == 0, r.output
    import os

    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the temp folder
    temps = "".join(f"{name}_temp_path {tmp / name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = tmp / "nginx.conf"
    conf.write_text(f"""daemon off;
{user}worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  {temps}
  server {{ listen 127.0.0.1:{port}; root {site}; include {site}/nginx/budgetkg.conf; }}
}}
""", encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"nginx did not start: {proc.stderr.read().decode() if proc.stderr else ''}")
                time.sleep(0.1)
        yield site, base, r.output
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def live(data_dir):
    from budgetkg.service import close_app, create_app

    app = create_app({"data_dir": data_dir, "workers": 0})
    yield app.test_client()
    close_app(app)


def _get(url: str, accept: str) -> tuple[int, str, bytes, str]:
    req = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get_content_type(), r.read(), r.headers.get("Vary", "")
    except urllib.error.HTTPError as exc:
        return exc.code, "", b"", ""


def _iri_paths(site: Path) -> list[str]:
    """Every published resource, from the sitemap (the IRIs' URL paths)."""
    root = ElementTree.parse(site / "sitemap.xml").getroot()
    locs = [e.text or "" for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    return [loc.split("/", 3)[3] for loc in locs]


def test_the_site_holds_every_iri_of_both_years(nginx, live):
    site, base, output = nginx
    paths = ["/" + p for p in _iri_paths(site)]
    # every IRI of the store under the base or the vocabulary namespace is published
    q = ("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
         "FILTER(STRSTARTS(STR(?s), 'https://budgetkg.example.org/id/')) }")
    n = int(live.get("/sparql", query_string={"query": q},
                     headers={"Accept": "application/sparql-results+json"}).get_json()["results"]["bindings"][0]["n"]["value"])
    ids = [p for p in paths if p.startswith("/id/") and not p.startswith("/id/graph/")]
    assert len(ids) >= n > 1000
    assert any("/2023" in p for p in ids) and any("/2022" in p for p in ids)
    assert "/def/" in paths and "/def/ProjectYear" in paths
    for name in ("index.html", ".well-known/void.ttl", "dumps/budgetkg.nq.gz", "nginx/budgetkg.conf", ".htaccess"):
        assert (site / name).is_file(), name


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's JSON-LD parser, once per IRI
def test_every_iri_answers_in_three_formats_with_the_live_triples(nginx, live):
    site, base, _ = nginx
    paths = [p for p in ("/" + p for p in _iri_paths(site)) if p.startswith(("/id/", "/def/"))]
    for path in paths:
        expected = live.get(path, headers={"Accept": "text/turtle"})  # what `budgetkg serve` says
        assert expected.status_code == 200, path
        want = rdflib.Graph().parse(data=expected.data, format="turtle")
        for name, (accept, parser) in FORMATS.items():
            status, ctype, body, vary = _get(base.rstrip("/") + path, accept)
            assert status == 200 and ctype == accept, (path, name, status, ctype)
            assert "Accept" in vary
            if parser is None:
                continue
            got = rdflib.Graph().parse(data=body, format=parser)
            assert len(got) > 0 and isomorphic(got, want), (path, name)


def test_browsers_get_html_and_extensions_pick_the_format(nginx):
    site, base, _ = nginx
    path = next(p for p in _iri_paths(site) if p.startswith("id/department/"))
    status, ctype, body, _ = _get(base + path, BROWSER)
    assert status == 200 and ctype == "text/html" and b"<html" in body.lower()
    for ext, media in ((".ttl", "text/turtle"), (".jsonld", "application/ld+json"), (".nt", "application/n-triples")):
        status, ctype, _, _ = _get(base + path + ext, "*/*")
        assert (status, ctype) == (200, media)
    assert _get(base + "id/department/no-such-thing", "text/turtle")[0] == 404


def test_void_dcat_and_dump_are_published_for_the_base_url(nginx):
    site, base, _ = nginx
    status, ctype, body, _ = _get(base + ".well-known/void", "text/turtle")
    assert status == 200 and ctype == "text/turtle"
    g = rdflib.Graph().parse(data=body, format="turtle")
    dump = g.value(rdflib.URIRef(base + ".well-known/void#dataset"), rdflib.URIRef("http://rdfs.org/ns/void#dataDump"))
    assert str(dump) == base + "dumps/budgetkg.nq.gz"
    status, ctype, data, _ = _get(str(dump), "*/*")
    assert status == 200 and ctype == "application/gzip"
    import gzip
    assert gzip.decompress(data).count(b"\n") > 1000


def test_publish_refuses_a_base_url_with_a_path(tmp_path, data_dir):
    from budgetkg.cli import main

    r = CliRunner().invoke(main, ["publish", str(tmp_path / "s"), "--base-url", "https://x.org/sub/",
                                  "--data-dir", str(data_dir)])
    assert r.exit_code == 2 and "root of a web site" in r.output


def test_sitemap_splits_past_the_limit(monkeypatch):
    from budgetkg.service import static_site

    monkeypatch.setattr(static_site, "SITEMAP_LIMIT", 2)
    files = dict(static_site.sitemaps("https://d.org/", ["/a", "/b", "/c"]))
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap.xml"]
    assert b"<sitemapindex" in files["sitemap.xml"] and b"https://d.org/c" in files["sitemap-2.xml"]
