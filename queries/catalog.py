"""The canned-query catalog: ``queries/*.rq`` files, their headers, and safe parameter binding.

Every ``.rq`` file of this package is a complete SPARQL query that runs as it is in any
SPARQL editor. Its leading comment lines are a header the service, the CLI and the
Python API read (format: ``docs/queries.md``)::

    # @title.zh 被多个项目使用的指标概念
    # @title.en Indicator concepts shared by several projects
    # @description One row per indicator concept ...
    #   (continuation lines are indented)
    # @param minProjects integer 3 Least number of project lines that use the concept.

Each parameter has exactly one ``VALUES ?name { … }`` line in the query body whose term
is the default (``UNDEF`` = unbound: the query computes a default or does not filter).
Binding validates a value by its declared type, serializes it as an RDF term (never the
raw text) and replaces the term of that line; nothing else of the text changes, so the
bound query runs on any SPARQL 1.1 engine (Oxigraph here, Virtuoso through SPARQLWrapper).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from budgetkg.loader.namespaces import STATISTICS_VERSION, SUMMARY_VERSION, sparql_prefixes

__all__ = [
    "CannedQuery",
    "Catalog",
    "HeaderError",
    "Parameter",
    "ParameterError",
    "StoreFacts",
    "UnknownQuery",
    "SUMMARIES_MISSING",
    "SummariesMissing",
    "SUMMARIES_QUERY",
    "YEARS_QUERY",
    "YearsError",
    "load_catalog",
    "strip_comments",
    "parse_query",
]

_SUMMARY_TERMS = re.compile(r"bkg:(?:tableRole|totalYuan|costMismatch|indicatorCount|tableYear|group[A-Z]\w*|statistic[A-Z]\w*)\b")

#: Parameter types (the header's TYPE field) and the datatype of their values.
TYPES: dict[str, str | None] = {
    "string": str(XSD.string),
    "gYear": str(XSD.gYear),
    "integer": str(XSD.integer),
    "decimal": str(XSD.decimal),
    "boolean": str(XSD.boolean),
    "IRI": None,
    "string@zh": "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",  # a string tagged @zh
}
#: Default tokens of year parameters, resolved from the years in the store (see bind).
YEAR_DEFAULTS = frozenset({"latest", "previous"})
#: Default token of an IRI parameter naming a project year: the first table of the store's
#: latest year (its first document by IRI), so that a point lookup answers on any store.
FIRST_PROJECT = "first-project"
#: Default token of an indicator-name parameter (``string@zh``): the indicator concept
#: with the most indicator rows in the store, so that the query answers on any store.
TOP_INDICATOR = "top-indicator"
#: Default token of a keyword parameter (``string``): the two characters found in the
#: most project-line names of the store (a frequent word such as 培训 or 资金).
TOP_WORD = "top-word"
#: Every default the store decides (``StoreFacts``).
STORE_DEFAULTS = YEAR_DEFAULTS | {FIRST_PROJECT, TOP_INDICATOR, TOP_WORD}
#: Query-string names the HTTP API keeps for itself; no parameter may use them.
RESERVED = frozenset({"format", "query"})
MAX_STRING = 500  # longest string value accepted

#: The pre-query behind the store's defaults (``StoreFacts``): each document's fiscal year
#: and its first table. One row per document; the choice is made in Python, so that every
#: engine gives the same default. (The subquery lets Oxigraph find the few first tables
#: first instead of everything derived from each document.)
#: Tables without their load-time summaries (docs/summaries.md): a store loaded before
#: vocabulary 0.3.0 (no role), before 0.4.0 (no bkg:indicatorCount; a table with a
#: cost sum but no bkg:costMismatch), before 0.5.0 (no bkg:tableYear) or by older code
#: since (a document that does not state this code's bkg:summaryVersion: no target and
#: level-2 groups before 0.6.0, no fund groups before 0.7.0), or fiscal years without
#: this code's statistics of the year (before 0.8.0). Scans anti-joined by hash,
#: not a lookup per table. Its one row's
#: ``missing`` > 0 means the queries that read summaries would answer wrongly.
SUMMARIES_QUERY = sparql_prefixes("bkg") + """SELECT (COUNT(*) AS ?missing) WHERE {
  {
    { SELECT DISTINCT ?py WHERE { ?py bkg:isCarryover ?c } }
    MINUS { SELECT DISTINCT ?py WHERE { ?py bkg:tableRole ?r } }
  } UNION {
    { SELECT DISTINCT ?py WHERE { ?py bkg:isCarryover ?c } }
    MINUS { SELECT DISTINCT ?py WHERE { ?py bkg:indicatorCount ?n } }
  } UNION {
    { SELECT DISTINCT ?py WHERE { ?py bkg:isCarryover ?c } }
    MINUS { SELECT DISTINCT ?py WHERE { ?py bkg:tableYear ?y } }
  } UNION {
    { SELECT DISTINCT ?py WHERE { ?py bkg:costIndicatorTotal ?c } }
    MINUS { SELECT DISTINCT ?py WHERE { ?py bkg:costMismatch ?m } }
  } UNION {
    # (?py: the documents, named so for the count)
    { SELECT DISTINCT ?py WHERE { ?py a bkg:SourceDocument } }
    MINUS { SELECT DISTINCT ?py WHERE { ?py bkg:summaryVersion """ + f'"{SUMMARY_VERSION}"' + """ } }
  } UNION {
    # (?py: the fiscal years of tables without this code's statistics of their year)
    { SELECT DISTINCT ?py WHERE { ?t bkg:tableYear ?py } }
    MINUS { SELECT DISTINCT ?py WHERE { ?s bkg:statisticsVersion """ + f'"{STATISTICS_VERSION}"' + """ ; bkg:statisticYear ?py } }
  }
}"""

class SummariesMissing(Exception):
    """A query that reads load-time summaries, on a store without them (`budgetkg upgrade`)."""


#: What to tell a user whose store lacks them.
SUMMARIES_MISSING = ("this store holds {n} table(s), document(s) or year(s) without their load-time summaries "
                     "(bkg:tableRole, bkg:totalYuan, bkg:costMismatch, bkg:indicatorCount, bkg:tableYear, target, "
                     "level-2 and fund groups: loaded before vocabulary " + SUMMARY_VERSION + "; the statistics of "
                     "a year: before " + STATISTICS_VERSION + "), which query "
                     "{name} reads; bring them up to date: budgetkg upgrade (docs/summaries.md)")

YEARS_QUERY = sparql_prefixes("bkg", "prov") + """SELECT ?year ?document ?first WHERE {
  ?document a bkg:SourceDocument ; bkg:fiscalYear ?year .
  OPTIONAL {
    { SELECT ?first ?document WHERE { ?first bkg:sequence 1 ; a bkg:ProjectYear ; prov:wasDerivedFrom ?document } }
  }
}"""

#: Extra branches of the pre-query for ``top-indicator`` and ``top-word`` (only the
#: queries with those defaults pay for them): the concept with the most indicator rows
#: (one pass over bkg:indicatorConcept, ties broken by IRI) and a sorted sample of the
#: project lines' normalized names, in which Python counts the two-character words.
_TOP_INDICATOR_BRANCH = """
  UNION {
    SELECT ?indicator WHERE {
      { SELECT ?concept (COUNT(DISTINCT ?row) AS ?uses) WHERE { ?row bkg:indicatorConcept ?concept }
        GROUP BY ?concept ORDER BY DESC(?uses) ?concept LIMIT 1 }
      ?concept skos:prefLabel ?indicator FILTER(LANG(?indicator) = "zh")
    } LIMIT 1
  }"""
_TOP_WORD_BRANCH = """
  UNION { SELECT DISTINCT ?name WHERE { ?line a bkg:ProjectLine ; bkg:normalizedName ?name } ORDER BY ?name LIMIT 2000 }"""
_CJK = re.compile(r"[\u4e00-\u9fff]{2}")


def facts_query(*, indicator: bool = False, word: bool = False) -> str:
    """``YEARS_QUERY`` with the branches the asked-for defaults need."""
    if not (indicator or word):
        return YEARS_QUERY
    head, body = YEARS_QUERY.split(" WHERE {", 1)
    body = body.rstrip()[:-1]  # drop the closing brace of WHERE
    extra = (_TOP_INDICATOR_BRANCH if indicator else "") + (_TOP_WORD_BRANCH if word else "")
    return ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" + head + " ?indicator ?name WHERE {\n  {"
            + body + "  }" + extra + "\n}")


def frequent_word(names: Sequence[str]) -> str | None:
    """The two CJK characters found in the most names (ties: the first in code order)."""
    counts: dict[str, int] = {}
    for name in names:
        for gram in {name[i:i + 2] for i in range(len(name) - 1) if _CJK.fullmatch(name[i:i + 2])}:
            counts[gram] = counts.get(gram, 0) + 1
    return min(counts, key=lambda g: (-counts[g], g)) if counts else None


def strip_comments(text: str) -> str:
    """The query without its whole-line comments (the header included).

    For clients that guess the query form from its text: SPARQLWrapper finds "LOAD" in
    "loaded" and "MOVE" in "removed" in comments and then sends a SELECT as an update.
    Only lines whose first non-blank character is ``#`` go; the binder never writes a
    line break inside a term, so no string or IRI can start such a line.
    """
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")) + "\n"


def years_from_values(values: Sequence[str]) -> list[int]:
    """The answer of ``YEARS_QUERY`` (lexical forms) as sorted ints; odd values skipped."""
    return sorted({int(v) for v in values if _GYEAR.match(v.strip())})


@dataclass(frozen=True)
class StoreFacts:
    """What the store-decided defaults need: its fiscal years and a project year to show."""

    years: tuple[int, ...] = ()
    first_project: str | None = None
    top_indicator: str | None = None
    top_word: str | None = None

    @classmethod
    def from_rows(cls, rows: Iterator[Mapping[str, str | None]] | Sequence[Mapping[str, str | None]]) -> StoreFacts:
        """From the rows of ``YEARS_QUERY`` as {variable: lexical form or IRI, or None}."""
        candidates: list[tuple[int, str, str]] = []
        years: set[int] = set()
        indicator: str | None = None
        names: list[str] = []
        for row in rows:
            if row.get("indicator"):
                indicator = str(row["indicator"])
            if row.get("name"):
                names.append(str(row["name"]))
            text = str(row.get("year") or "").strip()
            if not _GYEAR.match(text):
                continue
            years.add(int(text))
            if row.get("first") and row.get("document"):
                candidates.append((int(text), str(row["document"]), str(row["first"])))
        # the latest year that has a first table (a document may have lost its table 1)
        latest = max((year for year, _, _ in candidates), default=None)
        firsts = sorted((doc, first) for year, doc, first in candidates if year == latest)
        return cls(tuple(sorted(years)), firsts[0][1] if firsts else None, indicator, frequent_word(names))

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> StoreFacts:
        """From ``YEARS_QUERY``'s answer in SPARQL JSON."""
        return cls.from_rows([{k: v.get("value") for k, v in b.items()} for b in body["results"]["bindings"]])

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_QUERY_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_FIELD = re.compile(r"#\s?@(?P<key>[A-Za-z.]+)\s*(?P<rest>.*)\Z")
_GYEAR = re.compile(r"-?[0-9]{4}\Z")
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
# Absolute IRI without the characters SPARQL's IRIREF forbids (RFC 3987 is stricter).
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*\Z")
_STANDALONE_IRI = re.compile(r"<[^\x00-\x20<>\"{}|^`\\]+>\Z")
_STANDALONE_YEAR = re.compile(r'"[0-9]{4}"\^\^(?:xsd:gYear|<http://www\.w3\.org/2001/XMLSchema#gYear>)\Z')
_STANDALONE_STRING = re.compile(r'"[^"\\\n]+"(?:@zh)?\Z')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class HeaderError(ValueError):
    """A query file's header or VALUES lines are malformed (message names file and line)."""


class UnknownQuery(KeyError):
    """No canned query of that name."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class ParameterError(ValueError):
    """A parameter value is invalid, or the parameter is unknown; ``.param`` names it."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


class YearsError(ParameterError):
    """The query asks for a year the store does not hold, or compares two years on a
    store holding one; ``.years`` are the years the store holds (the message names them)."""

    def __init__(self, param: str, message: str, years: Sequence[int]) -> None:
        super().__init__(param, message)
        self.years = tuple(years)


def _held(years: Sequence[int]) -> str:
    return ", ".join(str(y) for y in years) if years else "no year (the store is empty)"


@dataclass(frozen=True)
class Parameter:
    """One declared parameter: name, type, default (lexical form, None = unbound), help."""

    name: str
    type: str
    default: str | None
    description: str

    @property
    def datatype(self) -> str | None:
        return TYPES[self.type]

    def term(self, value: Any) -> str:
        """``value`` checked against the type and written as a SPARQL term.

        Raises :class:`ParameterError` naming the parameter.
        """
        text = value if isinstance(value, str) else _python_text(value)
        if text is None:
            raise ParameterError(self.name, f"parameter {self.name!r}: expected {self.type}, got {value!r}")
        if not self.type.startswith("string"):
            text = text.strip()
        if text == "":
            raise ParameterError(self.name, f"parameter {self.name!r} is empty; give a {self.type} or leave it out")
        bad = functools.partial(_bad, self)
        if self.type in {"string", "string@zh"}:
            if len(text) > MAX_STRING:
                raise bad(text, f"longer than {MAX_STRING} characters")
            if _CONTROL.search(text):
                raise bad(text, "contains control characters")
            return _string(text) + ("@zh" if self.type == "string@zh" else "")
        if self.type == "gYear":
            if not _GYEAR.match(text):
                raise bad(text, "a year is four digits, e.g. 2022")
            return Literal(text, datatype=XSD.gYear).n3()
        if self.type == "integer":
            if not _INTEGER.match(text):
                raise bad(text, "not an integer")
            return Literal(str(int(text)), datatype=XSD.integer).n3()
        if self.type == "decimal":
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise bad(text, "not a decimal number") from None
            if not number.is_finite():
                raise bad(text, "not a finite number")
            return Literal(format(number, "f"), datatype=XSD.decimal).n3()
        if self.type == "boolean":
            flag = {"true": "true", "1": "true", "false": "false", "0": "false"}.get(text.lower())
            if flag is None:
                raise bad(text, "use true or false")
            return Literal(flag, datatype=XSD.boolean).n3()
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1]
        if not _IRI.match(text):
            raise bad(text, "not an absolute IRI (no spaces, <, >, quotes or braces)")
        return URIRef(text).n3()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "datatype": self.datatype,
            "default": self.default,
            "description": self.description,
        }


def _bad(param: Parameter, text: str, why: str) -> ParameterError:
    shown = text if len(text) <= 80 else text[:77] + "..."
    return ParameterError(param.name, f"parameter {param.name!r}: {why} (got {shown!r})")


def _python_text(value: Any) -> str | None:
    """Python values the API accepts for parameters, as their lexical form."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value) if value == value and abs(value) != float("inf") else None
    if isinstance(value, (URIRef, Literal)):
        return str(value)
    return None


def _string(text: str) -> str:
    """A SPARQL short string literal: quotes, backslashes and line breaks escaped."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    return f'"{escaped}"'


@dataclass(frozen=True)
class CannedQuery:
    """A query of the catalog: metadata from its header and its text."""

    name: str
    title_zh: str
    title_en: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    _values_lines: Mapping[str, re.Pattern[str]] = field(default_factory=dict, repr=False, compare=False)

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise ParameterError(name, f"unknown parameter {name!r} for query {self.name!r}; it takes: {known}")

    @property
    def uses_years(self) -> bool:
        """True when a default is decided by the store (``latest``, ``previous``,
        ``first-project``, ``top-indicator``, ``top-word``) or a year is asked for (it is
        checked against the store's years): callers then run ``facts_query`` and pass
        its ``StoreFacts``."""
        return any(p.default in STORE_DEFAULTS or p.type == "gYear" for p in self.parameters)

    @property
    def reads_summaries(self) -> bool:
        """True when the text reads a load-time summary (docs/summaries.md): callers run
        ``SUMMARIES_QUERY`` first and refuse the query on a store that lacks them."""
        return bool(_SUMMARY_TERMS.search(strip_comments(self.text)))

    @property
    def compares_years(self) -> bool:
        """True for the cross-year queries (a parameter defaults to ``previous``)."""
        return any(p.default == "previous" for p in self.parameters)

    @property
    def facts_query(self) -> str:
        """The pre-query whose rows give this query's ``StoreFacts``."""
        defaults = {p.default for p in self.parameters}
        return facts_query(indicator=TOP_INDICATOR in defaults, word=TOP_WORD in defaults)

    def resolve(self, values: Mapping[str, Any] | None = None,
                years: StoreFacts | Sequence[int] | None = None) -> dict[str, str]:
        """Every parameter that gets a value, as its SPARQL term: the given ones, validated,
        and the defaults the store decides, from ``years`` (``StoreFacts`` from
        ``YEARS_QUERY``, or just the fiscal years in the store): ``latest``/``previous``
        and ``first-project``. Unknown or invalid parameters raise ParameterError."""
        terms: dict[str, str] = {}
        for name, value in (values or {}).items():
            param = self.parameter(name)
            if value is not None:
                terms[name] = param.term(value)
        if years is None or not self.uses_years:
            return terms
        facts = years if isinstance(years, StoreFacts) else StoreFacts(tuple(years))
        picked = {FIRST_PROJECT: facts.first_project, TOP_INDICATOR: facts.top_indicator, TOP_WORD: facts.top_word}
        for p in self.parameters:
            if p.default in picked and p.name not in terms and picked[p.default]:
                terms[p.name] = p.term(picked[p.default])
        known = sorted(set(facts.years))
        for p in self.parameters:
            if p.type == "gYear" and p.name in terms:
                asked = int(terms[p.name].split('"')[1])  # the term is "YYYY"^^<…gYear>
                if asked not in known:
                    raise YearsError(p.name, f"parameter {p.name!r}: the store holds no table of {asked}; "
                                     f"it holds {_held(known)}", known)
        latest_param = next((p for p in self.parameters if p.default == "latest"), None)
        latest: int | None = None
        if latest_param is not None:
            if latest_param.name in terms:
                latest = int(terms[latest_param.name].split('"')[1])  # the term is "YYYY"^^<…gYear>
            elif known:
                latest = known[-1]
                terms[latest_param.name] = latest_param.term(str(latest))
        for p in self.parameters:
            if p.default == "previous" and p.name not in terms and latest is not None:
                earlier = [y for y in known if y < latest]
                if not earlier:
                    # Compared with itself a year gives no rows: say why instead.
                    hint = (f"the store holds only {_held(known)}; {self.name} compares two years: load "
                            "a second year's tables" if len(known) == 1 else
                            f"the store holds no year before {latest} (it holds {_held(known)}); give "
                            f"{p.name} or a later {latest_param.name if latest_param else 'year'}")
                    raise YearsError(p.name, hint, known)
                terms[p.name] = p.term(f"{earlier[-1]:04d}")
        return terms

    def bind(self, values: Mapping[str, Any] | None = None,
             years: StoreFacts | Sequence[int] | None = None) -> str:
        """The query text with ``values`` bound (see ``resolve``); parameters left out keep
        the default written in the query (``UNDEF``: no filter)."""
        return self.bind_terms(self.resolve(values, years))

    def bind_terms(self, terms: Mapping[str, str]) -> str:
        """The text with already validated terms (from ``resolve``) in the VALUES lines."""
        text = self.text
        for name, term in terms.items():
            text = self._values_lines[name].sub(lambda m: f"{m.group(1)} {term} {m.group(3)}", text)
        return text

    def to_json(self, *, with_text: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "title": {"zh": self.title_zh, "en": self.title_en},
            "description": self.description,
            "parameters": [p.to_json() for p in self.parameters],
        }
        if with_text:
            out["query"] = self.text
        return out


def _values_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(?m)^(\s*VALUES\s+\?" + re.escape(name) + r"\s*\{)([^}\n]*)(\}\s*)$")


def parse_query(name: str, text: str, source: str | None = None) -> CannedQuery:
    """Read the header of a query file. Raises HeaderError naming the file and line."""
    where = source or f"{name}.rq"
    fields: dict[str, str] = {}
    params: list[list[Any]] = []  # [name, type, default, description, line]
    current: tuple[str, int] | None = None  # the field continuation lines extend
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            current = None
            continue
        if not line.startswith("#"):
            break  # the header ends at the first line of SPARQL
        m = _FIELD.match(line)
        if m is None:
            more = line.lstrip("#").strip()
            if current is not None and more:
                key, index = current
                if key == "param":
                    params[index][3] = (params[index][3] + " " + more).strip()
                else:
                    fields[key] = (fields[key] + " " + more).strip()
            continue
        key, rest = m.group("key"), m.group("rest").strip()
        if key == "param":
            parts = rest.split(None, 3)
            if len(parts) < 3:
                raise HeaderError(f"{where}:{number}: @param needs NAME TYPE DEFAULT [DESCRIPTION]")
            pname, ptype, pdefault = parts[:3]
            if not _NAME.match(pname) or pname in RESERVED:
                raise HeaderError(f"{where}:{number}: bad parameter name {pname!r}")
            if ptype not in TYPES:
                raise HeaderError(f"{where}:{number}: unknown type {ptype!r}; use one of {', '.join(TYPES)}")
            if any(p[0] == pname for p in params):
                raise HeaderError(f"{where}:{number}: parameter {pname!r} declared twice")
            params.append([pname, ptype, None if pdefault == "-" else pdefault, parts[3] if len(parts) > 3 else "", number])
            current = ("param", len(params) - 1)
        elif key in {"title.zh", "title.en", "description"}:
            if key in fields:
                raise HeaderError(f"{where}:{number}: @{key} given twice")
            fields[key] = rest
            current = (key, number)
        else:
            raise HeaderError(f"{where}:{number}: unknown header field @{key}")
    for key in ("title.zh", "title.en", "description"):
        if not fields.get(key):
            raise HeaderError(f"{where}: the header lacks @{key}")
    parameters: list[Parameter] = []
    patterns: dict[str, re.Pattern[str]] = {}
    for pname, ptype, pdefault, pdesc, number in params:
        param = Parameter(pname, ptype, pdefault, pdesc)
        pattern = _values_pattern(pname)
        found = pattern.findall(text)
        if not found:
            raise HeaderError(
                f"{where}:{number}: parameter {pname!r} needs a line "
                f"'VALUES ?{pname} {{ default }}' in the query"
            )
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        if len(re.findall(r"\bVALUES\s+\?" + re.escape(pname) + r"\b", body)) > len(found):
            # the binder rewrites whole lines only: another VALUES ?name would keep its default
            raise HeaderError(f"{where}:{number}: every 'VALUES ?{pname} {{ … }}' must be a line of its own")
        if pdefault in YEAR_DEFAULTS and ptype != "gYear":
            raise HeaderError(f"{where}:{number}: default {pdefault} is for gYear parameters")
        if pdefault == FIRST_PROJECT and ptype != "IRI":
            raise HeaderError(f"{where}:{number}: default {pdefault} is for IRI parameters")
        if pdefault == TOP_INDICATOR and ptype != "string@zh":
            raise HeaderError(f"{where}:{number}: default {pdefault} is for string@zh parameters")
        if pdefault == TOP_WORD and ptype != "string":
            raise HeaderError(f"{where}:{number}: default {pdefault} is for string parameters")
        accepted = ({"UNDEF"} if pdefault is None or pdefault in STORE_DEFAULTS
                    else _default_terms(param, where, number))
        for _, written, _ in found:
            if pdefault in YEAR_DEFAULTS and _STANDALONE_YEAR.match(written.strip()):
                continue  # the year a standalone run uses; the catalog binds the store's
            if pdefault == FIRST_PROJECT and _STANDALONE_IRI.match(written.strip()):
                continue  # the project a standalone run uses; the catalog binds the store's
            if pdefault in {TOP_INDICATOR, TOP_WORD} and _STANDALONE_STRING.match(written.strip()):
                continue  # the text a standalone run uses; the catalog binds the store's
            if written.strip() not in accepted:
                raise HeaderError(
                    f"{where}:{number}: default of {pname!r} is {pdefault or '-'} in the header "
                    f"but a VALUES line says {written.strip()}; write {min(accepted, key=len)} there"
                )
        parameters.append(param)
        patterns[pname] = pattern
    return CannedQuery(name, fields["title.zh"], fields["title.en"], fields["description"],
                       tuple(parameters), text, patterns)


def _default_terms(param: Parameter, where: str, number: int) -> set[str]:
    """The ways the VALUES line may write the default: the bound form, ``"…"^^xsd:T``,
    and for numbers and booleans the bare lexical form."""
    try:
        term = param.term(param.default)
    except ParameterError as exc:
        raise HeaderError(f"{where}:{number}: bad default: {exc}") from None
    forms = {term}
    if param.datatype and term.startswith('"') and "^^<" in term:
        lexical = term[1:term.rindex('"^^<')]
        forms.add(f'"{lexical}"^^xsd:{param.datatype.rsplit("#", 1)[1]}')
        if param.type in {"integer", "decimal", "boolean"}:
            forms.add(lexical)
    return forms


class Catalog(Mapping[str, CannedQuery]):
    """The canned queries by name (the file stem), sorted by name."""

    def __init__(self, queries: Mapping[str, CannedQuery]) -> None:
        self._queries = dict(sorted(queries.items()))

    def __getitem__(self, name: str) -> CannedQuery:
        try:
            return self._queries[name]
        except KeyError:
            raise UnknownQuery(f"no canned query named {name!r}; see the list at /queries") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._queries)

    def __len__(self) -> int:
        return len(self._queries)

    def to_json(self, *, with_text: bool = True) -> list[dict[str, Any]]:
        return [q.to_json(with_text=with_text) for q in self._queries.values()]


@functools.lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """Every ``.rq`` of the installed ``budgetkg.queries`` package (read once)."""
    queries: dict[str, CannedQuery] = {}
    for entry in resources.files("budgetkg.queries").iterdir():
        if not entry.name.endswith(".rq"):
            continue
        name = entry.name[:-3]
        if not _QUERY_NAME.match(name):
            raise HeaderError(f"{entry.name}: query names are lower-case words joined by '-'")
        queries[name] = parse_query(name, entry.read_text(encoding="utf-8"), entry.name)
    return Catalog(queries)
