"""Property tests: the reader never raises on mutated real tables, names the file and
line of everything it rejects, and accounts for every non-blank line (a record,
boilerplate, or rejected with a reason).

The mutations and the checks live in ``reader_mutations.py``; ``bench/fuzz_loader.py``
runs the same property on 10,000 cases.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings

from budgetkg.loader.reader import parse_bytes, read_document
from budgetkg.loader.sources import detect_format
from budgetkg.loader.sources.common import UnreadableFile
from reader_mutations import SEED, TABLES, check_document, mutants


def test_the_mutants_start_from_every_table_of_the_seed() -> None:
    assert len(TABLES) == 37
    assert sum(len(t) for t in TABLES) == len(SEED.splitlines())
    assert all(any(line.startswith("项目名称") for line in t) for t in TABLES)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutants())
@example("附件\n项目名称\t测试\x0c\n依据\n".encode())  # a form feed does not end a line
@example("项目名称\tx\u2028项目总额\t1\r\n\r\n依据\r".encode())
@example(b"\xef\xbb\xbf\xef\xbb\xbf" + TABLES[3][0].encode())  # two BOMs
@example("\n".join(TABLES[5]).encode("gb18030")[:-1])  # cut in the middle of a character
@example(b"%PDF-1.4\n" + TABLES[0][0].encode())  # a mutant that now looks like a PDF
def test_mutated_tables_never_crash_and_every_line_is_accounted(data: bytes) -> None:
    if detect_format(data) != "text":
        # Bytes that look like another format go to its source: a damaged file of that
        # format is refused by name (UnreadableFile, exit 2), never read as a table.
        try:
            doc = parse_bytes(data, source="mutant.txt")
        except UnreadableFile as exc:
            assert "mutant.txt" in str(exc)
            return
    else:
        doc = parse_bytes(data, source="mutant.txt")
    assert check_document(doc, data, "mutant.txt") == []


def test_the_oracle_catches_a_lost_line() -> None:
    data = "\n".join(TABLES[0]).encode()
    doc = parse_bytes(data, source="t.txt")
    assert check_document(doc, data, "t.txt") == []
    doc.lines.pop()
    assert any("not accounted" in b for b in check_document(doc, data, "t.txt"))


def test_files_on_disk_name_their_path(tmp_path) -> None:
    path = tmp_path / "bad.txt"
    data = ("\n".join(TABLES[1]) + "\n依据\n\x07 junk\t\t1-产出指标 ??\n").encode("gb18030")
    path.write_bytes(data)
    doc = read_document(path)
    assert check_document(doc, data, str(path)) == []
    assert any(e.status == "rejected" for e in doc.lines)
