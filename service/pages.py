"""Server-rendered HTML: landing page, resource pages, search and the query editor.

Pages are Jinja templates (``service/templates``) filled from SPARQL queries run
through the worker pool (``page_data``); they need no JavaScript except the editor.
Each resource page is picked by the resource's type: project year, project line,
department, implementing unit, indicator concept, or a generic property table.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, redirect, render_template, request, url_for

from budgetkg.loader.iris import fold_text
from budgetkg.loader.namespaces import DEF, PREFIXES as LOADER_PREFIXES

from . import page_data as data
from .iri_map import document_path
from .state import get_state
from .web_state import get_web

# Templates and static files are the app's own (service/templates, service/static).
bp = Blueprint("pages", __name__)

BKG = DEF
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
MAX_SEARCH_LENGTH = 100

#: Page template of each type (checked in this order); other resources get a table.
TYPE_PAGES = (
    (BKG + "ProjectYear", "project_year"),
    (BKG + "ProjectLine", "project_line"),
    (BKG + "Department", "department"),
    (BKG + "ImplementingUnit", "unit"),
)


def vocab() -> dict[str, dict[str, str]]:
    state = get_state()
    return get_web().cached("vocab_labels", lambda: _with_packaged_labels(data.vocab_labels(state)))


def _with_packaged_labels(labels: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The store's vocabulary labels, completed from the packaged ontology (a store loaded
    without it still shows 年度 · fiscal year, not bkg:fiscalYear)."""
    from .ontology_doc import ontology_doc

    doc = ontology_doc()
    for term in doc.classes + doc.properties + doc.schemes + [c for s in doc.schemes for c in s.members]:
        if term.labels:
            labels[term.iri] = {**term.labels, **labels.get(term.iri, {})}
    return labels


#: (prefix, namespace), longest namespace first, so ``fund:`` wins over ``bkg:``.
_PREFIX_ORDER = tuple(sorted(((name, str(ns)) for name, ns in LOADER_PREFIXES.items()),
                             key=lambda kv: -len(kv[1])))


def _prefixed(iri: str) -> str:
    for name, ns in _PREFIX_ORDER:
        if iri.startswith(ns):
            return f"{name}:{iri[len(ns):]}"
    return iri


@bp.app_context_processor
def helpers() -> dict[str, Any]:
    web = get_web()

    def link(iri: str) -> str:
        return web.mapper.local_url(iri) if web.mapper.is_local(iri) else iri

    def term_label(iri: str, lang: str = "zh") -> str:
        labels = vocab().get(iri)
        return (data.pick_label(labels, lang) if labels else None) or _prefixed(iri)

    def both(iri: str) -> str:
        """``中文 · English`` label of a vocabulary term."""
        labels = vocab().get(iri, {})
        zh, en = labels.get("zh"), labels.get("en")
        if zh and en:
            return f"{zh} · {en}"
        return zh or en or _prefixed(iri)

    return {"link": link, "term_label": term_label, "both": both, "prefixed": _prefixed,
            "level_iri": lambda code: f"{BKG}indicator-level/{code}" if code else ""}


def page(template: str, status: int = 200, **context: Any) -> Response:
    body = render_template(template, **context)
    return Response(body, status=status, mimetype="text/html")


@bp.route("/")
def index() -> Response:
    state = get_state()
    info = get_web().cached("landing", lambda: data.landing(state))
    return page("index.html", **info, base_iri=state.settings.base_iri, dump=get_web().dump)


@bp.route("/search")
def search() -> Response:
    q = request.args.get("q", "").strip()[:MAX_SEARCH_LENGTH]
    results: dict[str, Any] = {"projects": [], "concepts": [], "truncated": False}
    if q:
        results = data.search(get_state(), q)
        folded = fold_text(q)
        if folded != q:  # labels of concepts are folded names (NFKC, one style of punctuation)
            more = data.search(get_state(), folded)
            for key in ("projects", "concepts"):
                known = {r["x"] for r in results[key]}
                results[key] += [r for r in more[key] if r["x"] not in known]
    return page("search.html", q=q, **results)


@bp.route("/favicon.ico")
def favicon() -> Response:
    # Browsers ask for /favicon.ico before reading the page's <link rel="icon">.
    return redirect(url_for("static", filename="budgetkg/favicon.svg"), code=301)  # type: ignore[return-value]


@bp.route("/editor")
def editor() -> Response:
    state = get_state()
    prefixes = {name: str(ns) for name, ns in LOADER_PREFIXES.items()}
    prefixes["id"] = state.settings.base_iri
    # IRIs in the results link to their pages on this service, not to the IRI's host.
    namespaces = {ns.iri: ns.path for ns in get_web().mapper.namespaces}
    return page("editor.html", prefixes=prefixes, endpoint=url_for("sparql.sparql"), namespaces=namespaces)


@bp.before_app_request
def sparql_for_browsers() -> Response | None:
    """A browser opening ``/sparql`` (no query, HTML preferred) gets the editor.

    Machine clients asking for the service description (Turtle, JSON-LD … or no
    Accept at all) are untouched.
    """
    if request.path != "/sparql" or request.method != "GET" or request.args:
        return None
    accept = request.accept_mimetypes
    if not accept or accept.best_match(["text/turtle", "text/html"]) != "text/html":
        return None
    if accept["text/html"] <= accept["text/turtle"]:
        return None
    return redirect(url_for("pages.editor"), code=303)  # type: ignore[return-value]


def render_resource(iri: str) -> Response:
    """The HTML page of ``iri`` (404 page when the store does not know it)."""
    state = get_state()
    exists, types, schemes = data.kind_of(state, iri)
    if iri == BKG:  # documented from the packaged ontology, loaded or not
        res = data.resource(state, iri)
        return _ontology_page({"iri": iri, "res": res, "types": sorted(types), "rdf_links": _rdf_links(iri),
                               "title": "预算绩效目标知识图谱本体 budgetkg ontology"})
    if not exists:
        return page("not_found.html", status=404, iri=iri)
    res = data.resource(state, iri)
    context: dict[str, Any] = {"iri": iri, "res": res, "types": sorted(types),
                               "rdf_links": _rdf_links(iri),
                               "title": res.own_label or res.first(BKG + "fileName") or _prefixed(iri)}
    for type_iri, kind in TYPE_PAGES:
        if type_iri in types:
            if kind == "project_year":
                context.update(data.project_year(state, iri))
                path = get_web().mapper.path_for_iri(iri)
                context["csv_link"] = path + ".csv" if path else "#"
            elif kind == "project_line":
                context.update(data.project_line(state, iri))
            else:
                context["is_department"] = kind == "department"
                context.update(data.organisation(state, iri, res, is_department=kind == "department"))
                kind = "organisation"
            return page(f"{kind}.html", kind=kind, **context)
    if BKG + "IndicatorNameScheme" in schemes:
        context.update(data.indicator_concept(state, iri))
        return page("indicator_concept.html", kind="concept", **context)
    return page("resource.html", kind="resource", **context)


def _ontology_page(context: dict[str, Any]) -> Response:
    """``/def/``: the ontology documented from its packaged files (``ontology_doc``)."""
    from .ontology_doc import diagram, ontology_doc

    doc = ontology_doc()
    used_by: dict[str, list[str]] = {}
    for prop in doc.properties:
        for alternatives in prop.domains:
            for cls in alternatives:
                used_by.setdefault(cls, []).append(prop.iri)
    anchors = {t.anchor for t in doc.classes + doc.properties + doc.schemes}
    used = {str(ns) for ns in LOADER_PREFIXES.values()}
    prefixes = sorted((name, ns) for name, ns in doc.prefixes.items()
                      if ns in used or name in {"owl", "rdf", "rdfs", "xsd", "skos", "qb", "dcat", "void", "qudt"})
    return page("ontology.html", kind="ontology", doc=doc, diagram=diagram(), used_by=used_by,
                anchors=anchors, prefixes=prefixes, def_ns=DEF, version=context["res"].first(
                    "http://www.w3.org/2002/07/owl#versionInfo"), **context)


def _rdf_links(iri: str) -> list[tuple[str, str]]:
    mapper = get_web().mapper
    path = mapper.path_for_iri(iri)
    names = (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"), ("rdf", "RDF/XML"))
    if path is not None:
        return [(document_path(path, "." + ext), label) for ext, label in names]
    return [(f"/resource?iri={quote(iri, safe='')}&format={ext}", label) for ext, label in names]



#: Columns of a project-year table as CSV (``…/2022.csv``): one row per printed figure.
CSV_COLUMNS = ("section", "level1", "level2", "name", "printed", "normalized", "yuan", "source_line", "iri")


def table_csv(iri: str) -> Response | None:
    """The rows of a project year's table as CSV (None when ``iri`` is not a project year)."""
    import csv
    import io

    state = get_state()
    _, types, _ = data.kind_of(state, iri)
    if BKG + "ProjectYear" not in types:
        return None
    table = data.project_year(state, iri)
    labels = vocab()

    def label(term: str) -> str:
        found = labels.get(term, {})
        return found.get("zh") or found.get("en") or (_prefixed(term) if term else "")

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for a in table["amounts"]:
        writer.writerow(("fund", "", "", label(a["source"]), a.get("printed") or "", "", a.get("yuan") or "", "", a["a"]))
    rows = [(l1, l2, ind) for l1, by_l2 in table["groups"].items() for l2, inds in by_l2.items() for ind in inds]
    rows.sort(key=lambda r: int(r[2].get("pos") or 0))  # the order the table prints them
    for l1, l2, ind in rows:
        target = ind.get("target")
        writer.writerow(("indicator", label(l1), label(l2), ind.get("name") or "", ind.get("value") or "",
                         target.text if target else "", "", ind.get("line") or "", ind["ind"]))
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")  # BOM: spreadsheets read it as UTF-8
    response.headers["Content-Disposition"] = f'inline; filename="{iri.rstrip("/").rsplit("/", 2)[-2]}-{iri.rsplit("/", 1)[-1]}.csv"'
    return response
