"""HTML source: every ``<table>`` of a page, and the text between them.

The encoding is the one the page declares (a BOM, ``<meta charset>``, an XML
declaration); GBK and GB2312 are read as GB18030, their superset. A page that declares
none is decoded as UTF-8 if it is, else as charset-normalizer guesses (recorded in the
Grid's ``encoding``). Cells are placed on the table's grid with their ``rowspan`` and
``colspan``: a spanning cell prints its text once, in its first row and column. ``<br>``
and paragraphs inside a cell are joined into one line. Rows are located as
``table 3 row 7``; text outside tables as ``paragraph 2``.
"""

from __future__ import annotations

import re

from ..grid import Grid, Locator
from .common import GridBuilder, join_lines, row_of

_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<", re.S)
_MARKUP = re.compile(rb"<(?:!doctype\s+html|html|table|body|head)\b", re.I)

FORMAT = "html"


# Pages that open with other markup (<p>, <div>) before their table: signatures.py
# only knows pages that start with <html>, <head>, <body>, <table> or a doctype.
def sniff(data: bytes) -> bool:
    head = data[:8192]
    return _START.match(head) is not None and _MARKUP.search(head if len(data) <= 8192 else data) is not None


_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([-\w.:]+)""", re.I)
_GB = {"gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936", "gb18030", "euc-cn", "hz-gb-2312"}


def decode(data: bytes) -> tuple[str, str, str | None]:
    """(text, encoding, problem): the page's text, the encoding used, and a warning when
    the bytes did not match their declared encoding."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc, None
    m = _META.search(data[:8192]) or _XML_DECL.search(data[:1024])
    if m:
        declared = m.group(1).decode("ascii", "replace").lower()
        enc = "gb18030" if declared in _GB else declared
        try:
            return data.decode(enc), declared, None
        except LookupError:
            pass  # an unknown name: guess as if undeclared
        except UnicodeDecodeError as exc:
            guessed = _guess(data)
            if guessed is not None:
                return guessed[0], guessed[1], f"the page declares {declared} but is not ({exc.reason} at byte {exc.start}); read as {guessed[1]}"
            return data.decode(enc, errors="replace"), declared, f"bytes that are not {declared} were replaced ({exc.reason} at byte {exc.start})"
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    guessed = _guess(data)
    if guessed is not None:
        return guessed[0], guessed[1], None
    return data.decode("gb18030", errors="replace"), "gb18030", "the page's encoding is unknown; read as GB18030 with unreadable bytes replaced"


def _guess(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    enc = best.encoding.lower().replace("_", "-")
    if enc in _GB or enc.replace("-", "") in {"gb2312", "gbk", "gb18030"}:
        enc = "gb18030"  # decode as the superset: a rarer character is still read
    try:
        return data.decode(enc), enc
    except (UnicodeDecodeError, LookupError):
        return str(best), enc


_SKIP = {"script", "style", "head", "title", "noscript", "template"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
          "center", "body", "html", "blockquote", "pre", "form", "header", "footer", "main", "nav",
          "table", "dl", "dt", "dd", "caption", "figure", "address", "hr"}


def read(data: bytes, source: str) -> Grid:
    import lxml.html

    text, encoding, issue = decode(data)
    b = GridBuilder(source, "html", data, encoding=encoding)
    if issue:
        b.problem("html-encoding", issue, "warning")
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses a str with an encoding declaration
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as exc:  # lxml.etree.ParserError on an empty document
        b.problem("no-table-in-file", f"the HTML page cannot be parsed: {exc}")
        return b.grid
    state = {"tables": 0, "paragraphs": 0}
    _walk(root, b, state)
    if state["tables"] == 0:
        b.problem("no-table-in-file", "the HTML page has no table")
    return b.grid


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _para(b: GridBuilder, state: dict, text: str | None) -> None:
    cells = row_of([(0, join_lines([text or ""]))])
    if cells:
        state["paragraphs"] += 1
        b.add(cells, Locator("html", line=state["paragraphs"]))


def _walk(el, b: GridBuilder, state: dict) -> None:
    """Tables and blocks of text in document order."""
    tag = _tag(el)
    if tag in _SKIP or not tag:
        return
    if tag == "table":
        if el.find(".//table") is None:
            state["tables"] += 1
            _table(el, b, state["tables"])
            return
        # A table holding tables lays the page out (a frame around the content): read
        # what its cells hold, the tables in them included, not the frame as a grid.
        for cell in el.xpath("./tr/td|./tr/th|./*/tr/td|./*/tr/th"):
            _walk_children(cell, b, state)
        return
    has_blocks = any(_tag(d) in _BLOCK or _tag(d) == "br" for d in el.iterdescendants())
    if not has_blocks:
        _para(b, state, el.text_content())
        return
    _walk_children(el, b, state)


def _walk_children(el, b: GridBuilder, state: dict) -> None:
    """Mixed content: the element's text up to each block child, then the child."""
    run = [el.text or ""]
    for child in el:
        ct = _tag(child)
        if ct in _BLOCK or ct == "br" or any(_tag(d) in _BLOCK for d in child.iterdescendants()):
            _para(b, state, "".join(run))
            run = []
            _walk(child, b, state)
        elif ct not in _SKIP and ct:
            run.append(child.text_content())
        run.append(child.tail or "")
    _para(b, state, "".join(run))


def _cell_text(td) -> str:
    """A cell's text, its ``<br>``s and paragraphs as line breaks, joined into one line."""
    lines = [""]
    for kind, el in _events(td):
        if kind == "break":
            lines.append("")
        else:
            lines[-1] += el
    return join_lines(lines)


def _events(el):
    if el.text:
        yield "text", el.text
    for child in el:
        tag = _tag(child)
        if tag == "br":
            yield "break", None
        elif tag and tag not in _SKIP:
            block = tag in _BLOCK
            if block:
                yield "break", None
            yield from _events(child)
            if block:
                yield "break", None
        if child.tail:
            yield "text", child.tail


def _table(table, b: GridBuilder, number: int) -> None:
    taken: set[tuple[int, int]] = set()  # grid positions covered by spans from above
    rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
    for r, tr in enumerate(rows):
        col = 0
        pairs = []
        for td in tr.xpath("./td|./th"):
            while (r, col) in taken:
                col += 1
            rowspan = _span(td.get("rowspan"))
            colspan = _span(td.get("colspan"))
            pairs.append((col, _cell_text(td)))
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, col + dc))
            col += colspan
        b.add(row_of(pairs), Locator("html", table=number, row=r + 1))


def _span(value: str | None) -> int:
    try:
        n = int((value or "1").strip())
    except ValueError:
        return 1
    return min(max(n, 1), 1000)  # as browsers clamp spans
