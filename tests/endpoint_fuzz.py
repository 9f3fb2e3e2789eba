"""Hostile requests for the SPARQL endpoint, sent over raw sockets.

Shared by ``test_endpoint_fuzz.py`` (a short run in the suite) and
``bench/fuzz_endpoint.py`` (10,000 requests). Three sources of queries: mutations of
real queries (``queries/*.rq`` and the queries written in the tests), a small random
SPARQL grammar, and random text; sent as GET, form POST or ``application/sparql-query``
POST with random formats, Accept headers, charsets and dataset parameters. And
malformed HTTP: bad percent-encoding, invalid UTF-8, huge or broken headers, wrong
methods and versions, bad content types, truncated bodies, absurd Content-Length,
broken chunked encoding.

Every request is built as bytes and sent on its own connection with
``Connection: close``, so an answer is complete when the server closes; a request
gets no more than ``timeout`` seconds. The outcome is the status code of the (final)
answer, ``"closed"`` (the server hung up without answering: fine for garbage) or
``"hang"``.
"""

from __future__ import annotations

import ast
import random
import re
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus

ROOT = Path(__file__).resolve().parents[1]

BK = "https://w3id.org/budgetkg/def/"
FALLBACK_QUERIES = [
    f"PREFIX bk: <{BK}> SELECT ?l2 (COUNT(?i) AS ?n) WHERE {{ ?i a bk:Indicator ; bk:level2 ?l2 }} GROUP BY ?l2",
    f"PREFIX bk: <{BK}> SELECT ?p ?name WHERE {{ ?p a bk:ProjectYear ; bk:printedName ?name }} ORDER BY ?name LIMIT 20",
    f"PREFIX bk: <{BK}> ASK {{ ?p bk:isCarryover true }}",
    f"PREFIX bk: <{BK}> DESCRIBE ?p WHERE {{ ?p bk:sequence 3 }}",
    f"PREFIX bk: <{BK}> CONSTRUCT {{ ?p ?q ?v }} WHERE {{ ?p a bk:FundAmount ; ?q ?v }} LIMIT 50",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
]
_QUERY_START = re.compile(r"^\s*(PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)


def seed_queries() -> list[str]:
    """Real queries: queries/*.rq of the checkout, every query literal in tests/*.py, a few more."""
    found: list[str] = []
    for rq in sorted((ROOT / "queries").glob("*.rq")):
        found.append(rq.read_text(encoding="utf-8", errors="replace"))
    for test in sorted((ROOT / "tests").glob("test_*.py")):
        try:
            tree = ast.parse(test.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _QUERY_START.match(node.value):
                found.append(node.value)
    return list(dict.fromkeys(found + FALLBACK_QUERIES))


# -- SPARQL ------------------------------------------------------------------------

KEYWORDS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH",
            "BIND", "VALUES", "GROUP BY", "HAVING", "ORDER BY", "LIMIT", "OFFSET", "DISTINCT", "REDUCED", "AS",
            "FROM", "FROM NAMED", "SERVICE", "SILENT", "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "WITH", "NOT",
            "EXISTS", "IN", "COUNT", "SUM", "SAMPLE", "GROUP_CONCAT", "REGEX", "REPLACE", "STR", "LANG", "IRI",
            "BNODE", "NOW", "UUID", "SHA512", "a", "UNDEF", "true", "false", "PREFIX", "BASE", "SEPARATOR"]
TOKENS = ["{", "}", "(", ")", "[", "]", ".", ";", ",", "*", "+", "?", "/", "|", "^", "!", "=", "!=", "<", ">",
          "&&", "||", "^^", "@en", "@zh-Hans", "_:b0", "[]", "?s", "?p", "?o", "?x", "$y", "1", "-0.5e10",
          "99999999999999999999999999", "1e309", '"a"', "'''x'''", '"\\u0000"', '"\\uD800"', '"中文"', "<>",
          "<http://127.0.0.1:9/x>", "<file:///etc/passwd>", "<urn:x>", "<javascript:alert(1)>", "bk:x", ":x",
          "rdf:type", "<<", ">>", "#", "\n", "\x00", "\u202e", "\ufeff", "\\", "%", "'", '"', "<script>"]
PREDICATES = ["a", "bk:printedName", "bk:hasIndicator", "bk:level2", "bk:fiscalYear", "bk:amount", "?p", "rdfs:label",
              "bk:hasIndicator/bk:printedName", "^bk:hasIndicator", "(bk:level2|bk:level1)", "rdfs:subClassOf*",
              "!rdf:type"]
OBJECTS = ["?o", "?name", "?v", "bk:ProjectYear", "bk:Indicator", '"培训合格率"', "2022", "true", "?x", "[]",
           '"x"@zh', '"1"^^xsd:integer']
EXPRS = ["?v > 10", "BOUND(?x)", 'REGEX(STR(?name), "^(a|aa)+$")', "STRLEN(?name) < 20", "isIRI(?s)",
         "?v IN (1, 2, 3)", 'CONTAINS(STR(?o), "资金")', "!BOUND(?v)", "LANG(?o) = \"\"", "?x = ?o",
         "NOT EXISTS { ?s ?p ?o }", "COALESCE(?v, 0) >= 0", "1/0 = 1", 'xsd:integer("x") = 1', "RAND() < 0.5"]
PREFIXES = ("PREFIX bk: <https://w3id.org/budgetkg/def/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n")


def _pattern(rng: random.Random, depth: int) -> str:
    parts = []
    for _ in range(rng.randint(1, 3)):
        roll = rng.random()
        if depth > 0 and roll < 0.12:
            parts.append(f"OPTIONAL {{ {_pattern(rng, depth - 1)} }}")
        elif depth > 0 and roll < 0.22:
            parts.append(f"{{ {_pattern(rng, depth - 1)} }} UNION {{ {_pattern(rng, depth - 1)} }}")
        elif depth > 0 and roll < 0.28:
            parts.append(f"MINUS {{ {_pattern(rng, depth - 1)} }}")
        elif depth > 0 and roll < 0.33:
            parts.append(f"GRAPH ?g {{ {_pattern(rng, depth - 1)} }}")
        elif depth > 0 and roll < 0.37:
            parts.append(f"{{ SELECT ?s WHERE {{ {_pattern(rng, depth - 1)} }} LIMIT {rng.randint(0, 5)} }}")
        elif roll < 0.47:
            parts.append(f"FILTER({rng.choice(EXPRS)})")
        elif roll < 0.52:
            parts.append(f"BIND({rng.choice(['?v + 1', 'STR(?s)', 'NOW()', '1'])} AS ?b{rng.randint(0, 3)})")
        elif roll < 0.56:
            parts.append(f"VALUES ?x {{ {' '.join(rng.choice(OBJECTS) for _ in range(rng.randint(0, 3)))} }}")
        else:
            s = rng.choice(["?s", "?i", "?p", "[]", "bk:x"])
            parts.append(f"{s} {rng.choice(PREDICATES)} {rng.choice(OBJECTS)} .")
    return " ".join(parts)


def grammar_query(rng: random.Random) -> str:
    """A random query from a small grammar of SPARQL; most are valid, a few slow or empty."""
    body = "{ " + _pattern(rng, rng.randint(0, 3)) + " }"
    form = rng.random()
    if form < 0.55:
        head = rng.choice(["SELECT *", "SELECT DISTINCT ?s ?o", "SELECT (COUNT(*) AS ?n)", "SELECT ?s (SAMPLE(?o) AS ?x)",
                           "SELECT REDUCED ?name"])
        tail = ""
        if "SAMPLE" in head:
            tail += " GROUP BY ?s"
        if rng.random() < 0.3:
            tail += f" ORDER BY {rng.choice(['?s', 'DESC(?o)', 'RAND()'])}"
        tail += f" LIMIT {rng.choice([0, 1, 10, 100, 100000])}" if rng.random() < 0.8 else ""
        if rng.random() < 0.2:
            tail += f" OFFSET {rng.randint(0, 50)}"
        q = f"{head} WHERE {body}{tail}"
    elif form < 0.7:
        q = f"ASK {body}"
    elif form < 0.85:
        q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {body} LIMIT {rng.randint(1, 200)}"
    else:
        q = f"DESCRIBE ?s WHERE {body} LIMIT {rng.randint(1, 5)}"
    if rng.random() < 0.1:
        q = q.replace("WHERE", f"FROM <{rng.choice(['http://127.0.0.1:9/g', 'file:///etc/passwd', 'urn:g'])}> WHERE", 1)
    return PREFIXES + q


_SPLIT = re.compile(r"<[^<>\s]*>|\"[^\"]*\"|'[^']*'|\?\w+|\w+:?\w*|\s+|.", re.S)


def mutate(rng: random.Random, query: str) -> str:
    """Token-level damage: drop, duplicate, swap, insert, truncate, case, deep nesting."""
    tokens = _SPLIT.findall(query) or [query]
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        i = rng.randrange(len(tokens)) if tokens else 0
        if not tokens:
            tokens = [rng.choice(TOKENS)]
        elif op < 0.2:
            del tokens[i]
        elif op < 0.35:
            tokens.insert(i, tokens[i])
        elif op < 0.5:
            j = rng.randrange(len(tokens))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif op < 0.7:
            tokens.insert(i, " " + rng.choice(TOKENS + KEYWORDS) + " ")
        elif op < 0.78:
            tokens = tokens[:i]
        elif op < 0.85:
            tokens[i] = tokens[i].swapcase()
        elif op < 0.9:
            n = rng.choice([5, 40, 200])
            tokens.insert(i, rng.choice(["{", "(", "[", "!", "-", "^"]) * n)
        elif op < 0.95:
            tokens.insert(i, rng.choice(["FILTER(true) ", "BIND(1 AS ?z) ", "OPTIONAL { ?s ?p ?o } ", "1+"])
                          * rng.choice([10, 300, 3000]))
        else:
            tokens.insert(i, "".join(_char(rng) for _ in range(rng.randint(1, 8))))
    return "".join(tokens)


def _char(rng: random.Random) -> str:
    """Any character a URL or body can carry in UTF-8 (no lone surrogates)."""
    c = rng.randint(1, 0x10FFFF)
    return chr(c) if not 0xD800 <= c <= 0xDFFF else "\ufffd"


def random_text(rng: random.Random) -> str:
    alphabet = rng.choice(["{}()[]?.;,<>\"'#\\ \n", "SELECTWHERE{?s ?p ?o}", "".join(map(chr, range(32, 127))), ""])
    if not alphabet:
        return "".join(_char(rng) for _ in range(rng.randint(0, 40)))
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200)))


def some_query(rng: random.Random, seeds: list[str]) -> str:
    roll = rng.random()
    if roll < 0.45:
        return mutate(rng, rng.choice(seeds))
    if roll < 0.6:
        return rng.choice(seeds)
    if roll < 0.9:
        q = grammar_query(rng)
        return mutate(rng, q) if rng.random() < 0.3 else q
    return random_text(rng)


# -- HTTP --------------------------------------------------------------------------

FORMATS = ["json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld", "rdfxml", "", "html", "../../etc", "\x00", "json,xml"]
ACCEPTS = ["*/*", "application/sparql-results+json", "text/csv;q=0.5, text/turtle", "application/json;q=abc",
           "text/html", "image/png", "*/*;q=0", "application/*;q=1e999", ";;;", "a" * 5000, "text/tab-separated-values",
           "application/ld+json;q=0.9, */*;q=0.1", "\u00e9/\u00e8", ""]


@dataclass
class Case:
    kind: str
    data: bytes
    half_close: bool = True  # shut our side after sending (truncated bodies end, not stall)


def _head(method: str, target: str, host: str, headers: list[tuple[str, str]], version: str = "HTTP/1.1") -> bytes:
    lines = [f"{method} {target} {version}", f"Host: {host}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape")


def sparql_case(rng: random.Random, seeds: list[str], host: str) -> Case:
    query = some_query(rng, seeds)
    params: list[tuple[str, str]] = []
    if rng.random() < 0.4:
        params.append(("format", rng.choice(FORMATS)))
    if rng.random() < 0.1:
        params.append((rng.choice(["default-graph-uri", "named-graph-uri"]),
                       rng.choice(["urn:g", "not an iri", "http://127.0.0.1:9/", "", "file:///etc/passwd"])))
    if rng.random() < 0.03:
        params.append(("update", "DROP ALL"))
    if rng.random() < 0.03:
        params.append(("query", "ASK {}"))
    headers = []
    if rng.random() < 0.6:
        headers.append(("Accept", rng.choice(ACCEPTS)))
    if rng.random() < 0.05:
        headers.append(("If-None-Match", rng.choice(['"x"', "*", "W/\"1\", \"2\"", "\"" * 50])))
    style = rng.random()
    qs = lambda ps: "&".join(f"{quote_plus(k)}={quote_plus(v, safe='')}" for k, v in ps)  # noqa: E731
    if style < 0.45:
        target = "/sparql?" + qs([("query", query), *params])
        return Case("sparql-get", _head(rng.choice(["GET", "GET", "HEAD"]), target, host, headers))
    if style < 0.75:
        body = qs([("query", query), *params]).encode()
        ctype = rng.choice(["application/x-www-form-urlencoded"] * 4 + ["application/x-www-form-urlencoded; charset=latin-1"])
        return Case("sparql-form", _head("POST", "/sparql", host, headers + [("Content-Type", ctype),
                                                                               ("Content-Length", str(len(body)))]) + body)
    charset = rng.choice([None, None, None, "utf-8", "utf-16", "latin-1", "gb18030", "idna", "punycode", "rot13",
                          "unicode_escape", "raw_unicode_escape", "utf-7", "nonsense", "hex", "ascii"])
    try:
        body = query.encode(charset if charset and charset not in {"idna", "punycode", "rot13", "hex"} else "utf-8",
                            "surrogatepass")
    except (LookupError, UnicodeError):
        body = query.encode("utf-8", "surrogatepass")
    if charset in {"unicode_escape", "raw_unicode_escape"} and rng.random() < 0.5:
        body += b" # \\ud800"
    ctype = "application/sparql-query" + (f"; charset={charset}" if charset else "")
    target = "/sparql" + ("?" + qs(params) if params else "")
    return Case("sparql-body", _head("POST", target, host, headers + [("Content-Type", ctype),
                                                                       ("Content-Length", str(len(body)))]) + body)


def malformed_case(rng: random.Random, host: str) -> Case:
    """Broken HTTP: each entry is one way a client (or an attacker) gets it wrong."""
    q = quote("ASK {}")
    choices = [
        lambda: Case("bad-percent", _head("GET", "/sparql?query=" + rng.choice(["%", "%zz", "%E4%B8", "%ED%A0%80%",
                                                                                  "%00", "%%%", "%C0%AF"]) + q, host, [])),
        lambda: Case("invalid-utf8-url", b"GET /sparql?query=ASK%20%7B%7D\xff\xfe\xc3 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"),
        lambda: Case("invalid-utf8-path", b"GET /spa\xffrql?query=" + q.encode() + b" HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"),
        lambda: Case("huge-header", _head("GET", "/sparql?query=" + q, host,
                                          [("X-Big", "a" * rng.choice([8_000, 70_000, 300_000]))])),
        lambda: Case("many-headers", _head("GET", "/sparql?query=" + q, host,
                                           [(f"X-H{i}", "v") for i in range(rng.choice([100, 2000]))])),
        lambda: Case("header-junk", b"GET /sparql?query=" + q.encode() + b" HTTP/1.1\r\nHost: h\r\nX: \x00\x01\xff\r\n"
                     b"Bad Header\r\n: empty\r\nConnection: close\r\n\r\n"),
        lambda: Case("bare-lf", b"GET /sparql?query=" + q.encode() + b" HTTP/1.1\nHost: h\nConnection: close\n\n"),
        lambda: Case("wrong-method", _head(rng.choice(["PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "FOO", "OPTIONS",
                                                       "PROPFIND", "G\x00ET", "get"]), "/sparql?query=" + q, host, [])),
        lambda: Case("wrong-version", _head("GET", "/sparql?query=" + q, host, [],
                                            rng.choice(["HTTP/0.9", "HTTP/2.0", "HTTP/1.1.1", "HTCPCP/1.0", "HTTP/9"]))),
        lambda: Case("no-version", b"GET /sparql?query=" + q.encode() + b"\r\n\r\n"),
        lambda: Case("garbage", bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))),
        lambda: Case("h2-preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        lambda: Case("absolute-uri", _head("GET", "http://evil.example/sparql?query=" + q, host, [])),
        lambda: Case("long-url", _head("GET", "/sparql?query=" + quote("ASK {} #" + "x" * rng.choice([9_000, 200_000])),
                                       host, [])),
        lambda: Case("bad-content-type", _head("POST", "/sparql", host, [
            ("Content-Type", rng.choice(["text/plain", "application/json", "multipart/form-data", "multipart/form-data; boundary=",
                                         "application/sparql-update", "application/x-www-form-urlencoded; charset=\x01",
                                         "application/sparql-query; charset=", ";", "a/b/c", "\u00e9"])),
            ("Content-Length", "6")]) + b"ASK {}"),
        lambda: Case("truncated-body", _head("POST", "/sparql", host, [("Content-Type", "application/sparql-query"),
                                                                       ("Content-Length", "1000")]) + b"ASK {"),
        lambda: Case("absurd-length", _head("POST", "/sparql", host, [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Content-Length", rng.choice(["99999999999999999999999", "-1", "abc", "1e3", " 6", "6, 6", "0x10", ""]))])
            + b"query=ASK%20%7B%7D"),
        lambda: Case("two-lengths", b"POST /sparql HTTP/1.1\r\nHost: h\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 6\r\nContent-Length: 60\r\nConnection: close\r\n\r\nASK {}"),
        lambda: Case("big-body", _head("POST", "/sparql", host, [("Content-Type", "application/sparql-query"),
                                                                 ("Content-Length", str(3_000_000))]) + b"#" * 3_000_000),
        lambda: Case("chunked-bad", _head("POST", "/sparql", host, [("Content-Type", "application/sparql-query"),
                                                                    ("Transfer-Encoding", "chunked")])
                     + rng.choice([b"zz\r\nASK {}\r\n0\r\n\r\n", b"6\r\nASK {}\r\n", b"FFFFFFFFFFFFFFFF\r\nA", b"6;x=y\r\nASK {}\r\n0\r\n\r\n"])),
        lambda: Case("transfer-coding", _head("POST", "/sparql", host, [
            ("Content-Type", "application/sparql-query"),
            ("Transfer-Encoding", rng.choice(["gzip", "gzip, chunked", "identity", "chunked, gzip", "x"])),
            ("Content-Length", "6")]) + b"ASK {}"),
        lambda: Case("expect", _head("POST", "/sparql", host, [("Content-Type", "application/sparql-query"),
                                                               ("Expect", rng.choice(["100-continue", "200-ok"])),
                                                               ("Content-Length", "6")]) + b"ASK {}"),
        lambda: Case("other-path", _head(rng.choice(["GET", "POST"]), rng.choice(
            ["/", "/../../etc/passwd", "/sparql/", "//sparql", "/sparql%00", "/static/..%2f..%2fetc", "*", "/\u00e9",
             "/sparql;x", "/sparql#frag"]), host, [])),
        lambda: Case("bad-host", _head("GET", "/sparql?query=" + q, rng.choice(["", "a" * 3000, "[::1", "evil:99999"]), [])),
        lambda: Case("empty", b""),
    ]
    return rng.choice(choices)()


def send(host: str, port: int, case: Case, timeout: float) -> tuple[int | str, float, bytes]:
    """Send one case; (status code | "closed" | "hang", seconds, the start of the answer)."""
    started = time.monotonic()
    deadline = started + timeout
    received = b""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            try:
                sock.sendall(case.data)
                if case.half_close:
                    sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass  # the server answered (413, 400) and hung up before reading everything
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return "hang", time.monotonic() - started, received[:2000]
                sock.settimeout(left)
                try:
                    chunk = sock.recv(65536)
                except TimeoutError:
                    return "hang", time.monotonic() - started, received[:2000]
                except OSError:  # reset: the answer, if any, is what came before
                    break
                if not chunk:
                    break
                received += chunk
                if len(received) > 50_000_000:
                    break
    except TimeoutError:
        return "hang", time.monotonic() - started, received[:2000]
    elapsed = time.monotonic() - started
    for m in re.finditer(rb"(?:^|\r\n\r\n)HTTP/1\.[01] (\d{3})", received):
        status = int(m.group(1))
        if status >= 200 or status < 100:
            return status, elapsed, received[m.start(): m.start() + 2000]
    return "closed", elapsed, received[:2000]


def next_case(rng: random.Random, seeds: list[str], host: str) -> Case:
    return malformed_case(rng, host) if rng.random() < 0.25 else sparql_case(rng, seeds, host)
