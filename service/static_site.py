"""The whole site as files, for a plain web server: ``budgetkg publish OUT_DIR``.

Rendered by the service itself (its Flask app, through the test client, so a page or a
description is byte for byte what ``budgetkg serve`` answers), for every IRI the store
holds under the base IRI and the vocabulary namespace:

=====================================  ===============================================
``id/department/303``                  IRI path; the files beside it: ``303.html``,
                                       ``303.ttl``, ``303.jsonld``, ``303.nt``
``def/index.html`` …                   a namespace itself (``/def/``): ``index.*``
``index.html``                         the home page
``.well-known/void.{html,ttl,…}``      VoID/DCAT
``dumps/budgetkg.nq.gz``               the dump (and ``dumps/index.html``, ``index.json``)
``static/…``                           style sheets, scripts, icons
``sitemap.xml``                        every HTML page (a sitemap index past 50,000)
``nginx/budgetkg.conf``, ``.htaccess`` content negotiation on the extensionless URLs
=====================================  ===============================================

The SPARQL endpoint, search and the query pages need the service; the static site
links to them but cannot answer them (point them at a running service, or leave them).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

from flask import Flask

from budgetkg.loader.namespaces import DEF

from .iri_map import INDEX, document_path
from .querying import select_py
from .state import EXTENSION
from .web_state import WEB_EXTENSION

#: The formats written for every resource: (extension, Accept header asking for it).
FORMATS: tuple[tuple[str, str], ...] = (
    (".html", "text/html"),
    (".ttl", "text/turtle"),
    (".jsonld", "application/ld+json"),
    (".nt", "application/n-triples"),
)
SITEMAP_LIMIT = 50_000

IRIS = """
SELECT DISTINCT ?x WHERE {
  { GRAPH ?g { ?x ?p ?o } } UNION { GRAPH ?g { ?s ?p ?x } } UNION { GRAPH ?x { ?a ?b ?c } }
  FILTER(isIRI(?x) && (STRSTARTS(STR(?x), ?base) || STRSTARTS(STR(?x), ?def)))
}"""


TABLES = "SELECT ?x WHERE { ?x a bkg:ProjectYear }"


class PublishError(Exception):
    """The site cannot be written (a page failed to render, the folder is unusable)."""


@dataclass
class PublishReport:
    resources: int = 0
    files: int = 0
    skipped: list[str] = field(default_factory=list)  # IRIs the store has nothing to say about
    pages: list[str] = field(default_factory=list)  # URL paths of the HTML pages


def check_base_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path not in {"", "/"} \
            or parts.query or parts.fragment:
        raise ValueError(f"--base-url must be the root of a web site (http(s)://host/), got {url!r}")
    return f"{parts.scheme}://{parts.netloc}/"


def resource_paths(app: Flask) -> list[str]:
    """The URL path of every IRI the store can describe (sorted, namespaces first)."""
    state = app.extensions[EXTENSION]
    mapper = app.extensions[WEB_EXTENSION].mapper
    base = state.settings.base_iri
    query = IRIS.replace("?base", f'"{base}"').replace("?def", f'"{DEF}"')
    paths = {mapper.path_for_iri(row["x"]) for row in select_py(state, query)}
    paths.add(mapper.path_for_iri(DEF))  # the ontology, documented at /def/
    return sorted(p for p in paths if p)


def publish(app: Flask, out: Path, base_url: str, *, progress: Callable[[int], None] | None = None) -> PublishReport:
    """Write the site for ``base_url`` into ``out`` (created; files in it are replaced)."""
    base_url = check_base_url(base_url)
    out.mkdir(parents=True, exist_ok=True)
    client = app.test_client()
    report = PublishReport()

    def fetch(path: str, accept: str = "*/*") -> Any:
        return client.get(path, base_url=base_url.rstrip("/"), headers={"Accept": accept})

    def write(rel: str, data: bytes) -> None:
        target = out / unquote(rel.lstrip("/"))
        if out.resolve() not in target.resolve().parents:
            raise PublishError(f"{rel}: outside {out}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        report.files += 1

    mapper = app.extensions[WEB_EXTENSION].mapper
    tables = {mapper.path_for_iri(row["x"]) for row in select_py(app.extensions[EXTENSION], TABLES)}
    for path in resource_paths(app):
        answers = []
        for ext, accept in FORMATS:
            r = fetch(document_path(path, ext), accept)
            if r.status_code == 404:
                break
            if r.status_code != 200:
                raise PublishError(f"{path}{ext}: the service answered {r.status_code}: {r.get_data(as_text=True)[:200]}")
            answers.append((document_path(path, ext), r.get_data()))
        if len(answers) < len(FORMATS):
            report.skipped.append(path)
            continue
        if path in tables:  # a project year's table as CSV, linked from its page
            answers.append((path + ".csv", _ok(fetch(path + ".csv", "text/csv"), path + ".csv")))
        for rel, data in answers:
            write(rel, data)
        report.resources += 1
        report.pages.append(path)
        if progress:
            progress(1)
    _write_fixed(fetch, write, report)
    _copy_static(app, out, report)
    for name, data in sitemaps(base_url, report.pages):
        write(name, data)
    for name, text in server_rules().items():
        write(name, text.encode("utf-8"))
    return report


def _write_fixed(fetch: Callable[..., Any], write: Callable[[str, bytes], None], report: PublishReport) -> None:
    """The home page, VoID/DCAT and the dumps."""
    home = fetch("/", "text/html")
    write("index.html", _ok(home, "/"))
    report.pages.insert(0, "/")
    for ext, accept in FORMATS:
        write(".well-known/void" + ext, _ok(fetch("/.well-known/void", accept), "/.well-known/void"))
    report.pages.append("/.well-known/void")
    write("dumps/index.html", _ok(fetch("/dumps/", "text/html"), "/dumps/"))
    listing = fetch("/dumps/", "application/json")
    write("dumps/index.json", _ok(listing, "/dumps/"))
    for dump in listing.get_json()["dumps"]:
        name = dump["name"]
        write("dumps/" + name, _ok(fetch("/dumps/" + name), "/dumps/" + name))


def _ok(response: Any, path: str) -> bytes:
    if response.status_code != 200:
        raise PublishError(f"{path}: the service answered {response.status_code}")
    return response.get_data()  # type: ignore[no-any-return]


def _copy_static(app: Flask, out: Path, report: PublishReport) -> None:
    folder = Path(app.static_folder or "")
    if folder.is_dir():
        target = out / (app.static_url_path or "/static").lstrip("/")
        shutil.copytree(folder, target, dirs_exist_ok=True)
        report.files += sum(1 for p in target.rglob("*") if p.is_file())


def sitemaps(base_url: str, pages: list[str]) -> Iterator[tuple[str, bytes]]:
    """``sitemap.xml`` (one file, or an index of ``sitemap-N.xml`` past the 50,000-URL limit)."""
    root = base_url.rstrip("/")
    chunks = [pages[i:i + SITEMAP_LIMIT] for i in range(0, len(pages), SITEMAP_LIMIT)] or [[]]

    def urlset(chunk: list[str]) -> bytes:
        urls = "".join(f"<url><loc>{escape(root + p)}</loc></url>\n" for p in chunk)
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                f"{urls}</urlset>\n").encode("utf-8")

    if len(chunks) == 1:
        yield "sitemap.xml", urlset(chunks[0])
        return
    entries = ""
    for i, chunk in enumerate(chunks, 1):
        yield f"sitemap-{i}.xml", urlset(chunk)
        entries += f"<sitemap><loc>{escape(root)}/sitemap-{i}.xml</loc></sitemap>\n"
    yield "sitemap.xml", (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/'
                          f'schemas/sitemap/0.9">\n{entries}</sitemapindex>\n').encode("utf-8")


#: Media types of the site's files (nginx ``types``, Apache ``AddType``).
MEDIA_TYPES = {
    "html": "text/html", "ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
    "json": "application/json", "xml": "application/xml", "css": "text/css", "js": "application/javascript",
    "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon", "gz": "application/gzip",
    "txt": "text/plain", "csv": "text/csv",
}
# Accept -> extension, checked in this order (later wins): RDF when asked for, HTML when
# it comes first (browsers), HTML by default.
NEGOTIATION = (("application/n-triples", ".nt"), ("application/ld\\+json", ".jsonld"),
               ("text/turtle", ".ttl"), ("^text/html", ".html"))


def server_rules() -> dict[str, str]:
    """The nginx server-block snippet and the Apache ``.htaccess`` of the site."""
    types = "".join(f"        {mt} {ext};\n" for ext, mt in MEDIA_TYPES.items())
    choose = "".join(f'    if ($http_accept ~* "{pattern}") {{ set $bkg_ext {ext}; }}\n' for pattern, ext in NEGOTIATION)
    nginx = f"""# budgetkg static site: include in the site's server block (root = the published folder):
#     server {{ listen 80; server_name data.example.org; root /srv/budgetkg; include /srv/budgetkg/nginx/budgetkg.conf; }}
# An IRI's URL has no extension: the Accept header picks its .html, .ttl, .jsonld or .nt file.
    types {{
{types}    }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/turtle application/ld+json application/n-triples application/json
                  application/xml text/css application/javascript text/plain text/csv;
    set $bkg_ext .html;
{choose}
    location / {{
        # /id/x -> /id/x.ttl …; a namespace /def/ -> /def/{INDEX}.ttl …; files as they are.
        try_files $uri$bkg_ext ${{uri}}{INDEX}$bkg_ext $uri =404;
        add_header Vary Accept always;
        add_header Access-Control-Allow-Origin * always;
    }}
    location ~ /\\.ht {{
        deny all;
    }}
"""
    add_types = "".join(f"AddType {mt} .{ext}\n" for ext, mt in MEDIA_TYPES.items())
    rewrites = ""
    for pattern, ext in reversed(NEGOTIATION[:-1]):
        apache_pattern = pattern.replace("\\+", "\\+")
        rewrites += (f"RewriteCond %{{HTTP_ACCEPT}} {apache_pattern} [NC]\nRewriteCond %{{HTTP_ACCEPT}} !^text/html [NC]\n"
                     f"RewriteCond %{{REQUEST_FILENAME}}{ext} -f\nRewriteRule ^(.*)$ $1{ext} [L]\n"
                     f"RewriteCond %{{HTTP_ACCEPT}} {apache_pattern} [NC]\nRewriteCond %{{HTTP_ACCEPT}} !^text/html [NC]\n"
                     f"RewriteCond %{{REQUEST_FILENAME}}{INDEX}{ext} -f\nRewriteRule ^(.*)$ $1{INDEX}{ext} [L]\n")
    apache = f"""# budgetkg static site, Apache (mod_rewrite, mod_headers; AllowOverride All):
# an IRI's URL has no extension, the Accept header picks its .html, .ttl, .jsonld or .nt file.
{add_types}AddDefaultCharset utf-8
Options -MultiViews -Indexes
DirectoryIndex index.html
# /id/project/x (a file x.html) and /id/project/x/2022 (a folder x/) live side by side.
DirectorySlash Off
RewriteEngine On
{rewrites}RewriteCond %{{REQUEST_FILENAME}}.html -f
RewriteRule ^(.*)$ $1.html [L]
RewriteCond %{{REQUEST_FILENAME}}{INDEX}.html -f
RewriteRule ^(.*)$ $1{INDEX}.html [L]
Header merge Vary Accept
Header set Access-Control-Allow-Origin *
"""
    return {"nginx/budgetkg.conf": nginx, ".htaccess": apache}
