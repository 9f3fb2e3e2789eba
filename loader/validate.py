"""SHACL validation of budgetkg data, with a report for people grouped by project.

``ontology/shapes.ttl`` is checked over the data graph with the ontology graph mixed in
(the level-2 check follows ``skos:broader`` of the concept schemes), no RDFS inference.
SHACL Core runs set-based on the rdflib terms (``shacl_core.py``), SHACL-SPARQL on
pyoxigraph, and pySHACL only for shapes neither knows (``shacl.py``): same report as
plain pySHACL, result by result, in a fraction of conversion's time. Validate one
document graph at a time: the cost is linear in the graph's size.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any
from typing import Literal as TypingLiteral

from rdflib import Graph, Literal, Node, URIRef
from rdflib.namespace import RDF, SH

from .gc_pause import gc_paused
from .memgraph import ntriples as to_ntriples
from .model import cached_ontology_graph, cached_shapes_graph
from .namespaces import BKG
from .shacl import Plan, cached_plan, check_store, ontology_ntriples, run_checks
from .shacl import plan as make_plan
from .shacl_data import Run, Triples, focus_nodes
from .shacl_report import Messages, new_report, write_results

Severity = TypingLiteral["violation", "warning", "info"]
_SEVERITIES: dict[Node, Severity] = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@dataclass(frozen=True)
class Finding:
    """One SHACL result, located: the project (if any) and the source line."""

    severity: Severity
    message: str
    focus: str
    project: str | None  # project-year IRI
    project_name: str | None
    line: int | None
    path: str | None = None
    value: str | None = None
    shape: str | None = None
    locator: str | None = None  # where the line is in a file that is not text

    def __str__(self) -> str:
        where = self.locator or (f"line {self.line}" if self.line is not None else "no line")
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class ProjectFindings:
    """The findings of one project year (or of the document, when ``project`` is None)."""

    project: str | None
    name: str | None
    line: int | None
    findings: list[Finding] = field(default_factory=list)


@dataclass
class ValidationResult:
    conforms: bool  # no sh:Violation (warnings allowed)
    report: Graph | None  # the SHACL report graph; None when the caller dropped it
    findings: list[Finding]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def by_project(self) -> list[ProjectFindings]:
        """Findings grouped by project, in source order; document-level ones first."""
        groups: dict[str | None, ProjectFindings] = {}
        for f in self.findings:
            g = groups.setdefault(f.project, ProjectFindings(f.project, f.project_name, None))
            g.findings.append(f)
        for g in groups.values():
            g.findings.sort(key=lambda f: (f.line or 0, f.severity, f.message))
            lines = [f.line for f in g.findings if f.line is not None]
            g.line = min(lines) if lines else None
        return sorted(groups.values(), key=lambda g: (g.project is not None, g.line or 0, g.name or ""))

    def text(self, lang: str = "en") -> str:
        """A plain-text report for people, grouped by project: each finding once with its
        line and severity (in ``lang``: en or zh), its message without the project name
        and line the heading and the prefix already give."""
        words = _REPORT_WORDS.get(lang, _REPORT_WORDS["en"])
        out: list[str] = []
        for g in self.by_project():
            out.append(f"{g.name or words['document']}" + (f" [{g.project}]" if g.project else ""))
            for f in g.findings:
                where = f.locator or (words["line"].format(f.line) if f.line is not None else words["no line"])
                out.append(f"  {where}: {words[f.severity]}: {_short_message(f)}")
        out.append(words["summary"].format(len(self.violations), len(self.warnings)))
        return "\n".join(out)


_REPORT_WORDS: dict[str, dict[str, str]] = {
    "en": {"line": "line {}", "no line": "no line", "document": "(document)", "violation": "violation",
           "warning": "warning", "info": "info", "summary": "{} violation(s), {} warning(s)"},
    "zh": {"line": "第 {} 行", "no line": "无行号", "document": "（文档）", "violation": "违规",
           "warning": "警告", "info": "提示", "summary": "{} 项违规，{} 项警告"},
}


def _short_message(f: Finding) -> str:
    """The message without its leading project name and line (the shapes' messages name
    both, for reports that are not grouped: ``NAME (line N): …``, ``NAME（第 N 行）: …``,
    ``NAME: line N, …``, ``NAME: 第 N 行…``)."""
    text = f.message
    if not f.project_name or not text.startswith(f.project_name):
        return text
    rest = text[len(f.project_name):]
    if f.line is not None:
        n = re.escape(str(f.line))
        rest = re.sub(rf"^(?: \(line {n}\)|（第 {n} 行）)", "", rest)
        rest = re.sub(rf"^: (?:line {n}, |第 {n} 行)", ": ", rest)
    rest = rest.removeprefix(": ").removeprefix("：")
    return rest or text


def validate_graph(
    data: Graph, *, lang: str = "en", ntriples: bytes | None = None, copy: bool = True,
    shapes: Graph | None = None, sparql_store: Callable[[], Any] | None = None,
) -> ValidationResult:
    """Validate ``data`` (one document's graph, or any budgetkg graph) against the shapes.

    ``lang`` picks which of the messages (``en`` or ``zh``) the findings carry.
    ``ntriples``: ``data`` already serialized as N-Triples, if the caller has it (saves
    serializing it again for the SPARQL checks). ``copy=False`` mixes the ontology into
    ``data`` itself instead of a copy: faster, for callers that throw the graph away.
    ``shapes``: other shapes than ``ontology/shapes.ttl`` (tests; planned on each call).
    ``sparql_store``: gives the store the SPARQL checks query (``shacl.checks_view``),
    called once the Core checks are done, when the caller has the data in one already;
    otherwise it is made here (``shacl.check_store``). How the checks are split
    (set-based Core here, SHACL-SPARQL on pyoxigraph, the rest pySHACL): ``shacl.py``.
    """
    with gc_paused():  # many small sets and tuples, no cycles: see gc_pause.py
        if shapes is None:
            return _validate(data, lang, ntriples, copy, cached_plan(), cached_shapes_graph(), sparql_store)
        return _validate(data, lang, ntriples, copy, make_plan(shapes), shapes, sparql_store)


def _validate(data: Graph, lang: str, ntriples: bytes | None, copy: bool, plan: Plan,
              shapes: Graph, sparql_store: Callable[[], Any] | None = None) -> ValidationResult:
    ontology = cached_ontology_graph()
    checking = None
    if plan.checks and sparql_store is not None:
        checking = sparql_store
    elif plan.checks:
        if ntriples is None:
            ntriples = to_ntriples(data)
        # The SPARQL checks' store is filled in a thread while the Core checks run:
        # pyoxigraph parses and indexes with the interpreter free.
        checking = _Filling(ntriples).store
    # SHACL Core, set-based, over the data and the ontology (pySHACL validates the two
    # mixed: the level-2 check follows skos:broader of the concept schemes).
    run = Run(Triples((data, ontology)))
    found = []
    focus: dict[object, set] = {}
    for shape, targets in plan.shapes:
        nodes = focus.get(targets)
        if nodes is None:
            nodes = focus[targets] = focus_nodes(run, targets)
        found.extend((shape, r) for r in shape.results(run, nodes))
    if plan.core is not None:
        report, conforms = _pyshacl(data, ontology, plan.core, copy)
    else:
        report, conforms = new_report(shapes)[0], True
    report_node = report.value(None, RDF.type, SH.ValidationReport)
    assert report_node is not None
    core_conforms = write_results(report, report_node, found, Messages(shapes, data), data)
    if checking is not None:
        sparql_conforms = run_checks(checking(), plan.checks, report)
    else:
        sparql_conforms = True
    conforms = conforms and core_conforms and sparql_conforms
    report.set((report_node, SH.conforms, Literal(conforms)))
    return ValidationResult(conforms, report, _findings(data, report, lang))


class _Filling:
    """``check_store(ntriples)`` in a thread; ``store()`` waits for it (raises what it raised)."""

    def __init__(self, ntriples: bytes) -> None:
        import threading

        ontology_ntriples()  # (the cached part, made here: Python, not worth a thread)
        self._result: object = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._fill, args=(ntriples,), name="budgetkg-check-store",
                                        daemon=True)
        self._thread.start()

    def _fill(self, ntriples: bytes) -> None:
        try:
            self._result = check_store(ntriples)
        except BaseException as exc:  # raised by store()
            self._error = exc

    def store(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result


def _pyshacl(data: Graph, ontology: Graph, core: Graph, copy: bool) -> tuple[Graph, bool]:
    """pySHACL on what ``shacl.plan`` left to it (imported only then: ~0.15 s)."""
    from pyshacl import validate as shacl_validate

    # pySHACL's ont_graph mixes in only RDFS/OWL axioms, not the SKOS concept schemes the
    # level checks need, so the whole ontology graph (~760 triples) is added here.
    if copy:
        work = Graph()
        work += data
    else:
        work = data
    work += ontology
    conforms, report, _ = shacl_validate(
        work, shacl_graph=core, inference="none", allow_warnings=True, advanced=False, inplace=True
    )
    assert isinstance(report, Graph)
    return report, bool(conforms)


def _findings(data: Graph, report: Graph, lang: str) -> list[Finding]:
    locator = _Locator(data)
    out: list[Finding] = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(r, SH.focusNode)
        value = report.value(r, SH.value)
        severity = _SEVERITIES.get(report.value(r, SH.resultSeverity), "violation")  # type: ignore[arg-type]
        path = report.value(r, SH.resultPath)
        # A SPARQL check names itself (sh:sourceConstraint); Core checks name their shape.
        constraint = report.value(r, SH.sourceConstraint)
        shape = constraint if isinstance(constraint, URIRef) else report.value(r, SH.sourceShape)
        if shape is not None and not isinstance(shape, URIRef):
            # a property shape (blank node): name the node shape that holds it
            shape = cached_shapes_graph().value(None, SH.property, shape) or shape
        project, name, line = locator.locate(focus, value)
        where = locator.where(focus, value, project)
        out.append(
            Finding(
                severity=severity,
                message=_message(report, r, lang),
                focus=str(focus),
                project=None if project is None else str(project),
                project_name=name,
                line=line,
                path=None if path is None or not isinstance(path, URIRef) else str(path),
                value=None if value is None else str(value),
                shape=None if shape is None or not isinstance(shape, URIRef) else str(shape),
                locator=where,
            )
        )
    out.sort(key=lambda f: (f.project or "", f.line or 0, f.message))
    return out


def _message(report: Graph, result: Node, lang: str) -> str:
    messages = [m for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    for m in messages:
        if m.language == lang:
            return str(m)
    if messages:
        # pySHACL drops the language tag of messages it filled in ({?name} …): pick by
        # script, the Chinese message being the one with the most non-ASCII characters.
        def cjk(m: Literal) -> int:
            return sum(1 for ch in str(m) if ord(ch) > 0x2E80)

        return str(max(messages, key=cjk) if lang == "zh" else min(messages, key=cjk))
    comp = report.value(result, SH.sourceConstraintComponent)
    return f"constraint {comp} failed" if comp else "constraint failed"


class _Locator:
    """Focus node -> (project year, its printed name, the line to show)."""

    def __init__(self, data: Graph) -> None:
        self.data = data

    def _project_of(self, node: Node) -> URIRef | None:
        d = self.data
        if (node, RDF.type, BKG.ProjectYear) in d:
            return node  # type: ignore[return-value]
        py = d.value(node, BKG.projectYear)  # a fund amount
        if py is not None:
            return py  # type: ignore[return-value]
        py = d.value(None, BKG.hasIndicator, node)  # an indicator
        if py is not None:
            return py  # type: ignore[return-value]
        # a target, or a part of one: walk up to its indicator
        seen = 0
        while node is not None and seen < 8:
            up = d.value(None, BKG.target, node) or d.value(None, BKG.part, node)
            if up is None:
                return None
            if (up, RDF.type, BKG.Indicator) in d or d.value(None, BKG.hasIndicator, up) is not None:
                return d.value(None, BKG.hasIndicator, up)  # type: ignore[return-value]
            node, seen = up, seen + 1
        return None

    def _line(self, node: Node | None) -> int | None:
        if node is None:
            return None
        v = self.data.value(node, BKG.sourceLine)
        if v is None:
            up = self.data.value(None, BKG.target, node)
            v = None if up is None else self.data.value(up, BKG.sourceLine)
        try:
            return None if v is None else int(v)
        except (TypeError, ValueError):
            return None

    def where(self, focus: Node | None, value: Node | None, project: Node | None) -> str | None:
        """The bkg:sourceLocator of the node whose line ``locate`` shows, if it has one."""
        for node in (value if isinstance(value, URIRef) else None, focus, project):
            if node is None:
                continue
            v = self.data.value(node, BKG.sourceLocator)
            if v is None:
                up = self.data.value(None, BKG.target, node)
                v = None if up is None else self.data.value(up, BKG.sourceLocator)
            if v is not None:
                return str(v)
            if self._line(node) is not None:
                return None  # that node has a line but no locator: a text file
        return None

    def locate(self, focus: Node | None, value: Node | None) -> tuple[URIRef | None, str | None, int | None]:
        if focus is None:
            return None, None, None
        # Document-level checks report the project or row concerned as the value.
        project = self._project_of(value) if isinstance(value, URIRef) else None
        if project is None:
            project = self._project_of(focus)
        name = None
        if project is not None:
            n = self.data.value(project, BKG.printedName)
            name = None if n is None else str(n)
        # The most precise line: the value's (an indicator row found by a project-level
        # check), then the focus node's, then the project's.
        line = self._line(value) if isinstance(value, URIRef) else None
        if line is None:
            line = self._line(focus)
        if line is None and project is not None:
            line = self._line(project)
        return project, name, line

