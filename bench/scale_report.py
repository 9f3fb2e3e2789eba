"""Issue 21 (Scale) from one run of bench/run.py: the cost curve, Virtuoso side by side,
and the issue's "Done when" list, each item met or not from this run's figures.

Pure functions of the report (results.json): ``python -P -c "import run; run.rewrite()"``
writes results.md again from a results.json after a change here.
"""

from __future__ import annotations

import statistics
from typing import Any

ORDER = ("seed", "100k", "1M", "10M", "30M")
GIB = 1024  # MiB


def fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.2f}" if v < 100 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def ratio(a: float | None, b: float | None) -> float | None:
    return None if not a or not b else round(a / b, 2)


def _by(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["scale"]: s for s in report.get("scales", [])}


# --- the cost curve ------------------------------------------------------------------------


def cost_curve(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per scale: end to end by stage, memory, disk, cost per triple and its ratio
    to the 1M figure, the slowest query (p50, cold over HTTP), adding a document."""
    by = _by(report)
    base = (by.get("1M") or {}).get("load") or {}
    rows = []
    for name in ORDER:
        s = by.get(name)
        if not s or "load" not in s:
            continue
        ld = s["load"]
        http = (s.get("http") or {}).get("queries", {})
        p50 = {n: q.get("p50_ms") for n, q in http.items()}
        cold = {n: q.get("cold_ms") for n, q in http.items()}
        add = s.get("add_document") or {}
        rows.append({
            "scale": name, "documents": ld.get("documents"), "triples": ld.get("triples"),
            "seconds": ld.get("seconds"), "dump_s": ld.get("dump_s"), "cpu_s": ld.get("cpu_s"),
            "stage_cpu_s": ld.get("stage_cpu_s", {}), "peak_rss_mib": ld.get("peak_rss_mib"),
            "store_mib": ld.get("store_mib"), "dump_mib": ld.get("dump_mib"),
            "cpu_us_per_triple": ld.get("cpu_us_per_triple"), "wall_us_per_triple": ld.get("wall_us_per_triple"),
            "cpu_vs_1M": ratio(ld.get("cpu_us_per_triple"), base.get("cpu_us_per_triple")),
            "wall_vs_1M": ratio(ld.get("wall_us_per_triple"), base.get("wall_us_per_triple")),
            "slowest_p50": _slowest(p50), "slowest_cold": _slowest(cold),
            "add_document_s": add.get("seconds"), "add_document_ok": add.get("ok"),
        })
    return rows


def _slowest(times: dict[str, float | None]) -> tuple[str, float | None] | None:
    if not times:
        return None
    missing = [n for n, t in times.items() if t is None]
    if missing:  # an error or a timeout: no time, and it counts as the slowest
        return (missing[0], None)
    name = max(times, key=lambda n: times[n] or 0)
    return (name, times[name])


def _slow(s: tuple[str, float | None] | None) -> str:
    if s is None:
        return "–"
    return f"{s[0]} (no answer)" if s[1] is None else f"{s[1] / 1000:.2f} s ({s[0]})"


def cost_curve_markdown(report: dict[str, Any]) -> list[str]:
    rows = cost_curve(report)
    if not rows:
        return []
    lines = ["## Cost curve (issue 21)", "",
             "End to end = `pipeline.load_corpus` (parse → RDF → SHACL → store, 2 workers) and the full dump, "
             "as `budgetkg load` does, into a fresh store. CPU = every process of the load; per triple = "
             "over the triples loaded; × 1M = that figure over the 1M scale's of this run (flat = linear). "
             "Disk: the store (oxigraph/) and the dump (dumps/). Queries over HTTP (`budgetkg serve`); "
             "cold = the first request to a fresh server. Add doc = `budgetkg load SEED` into a copy of the "
             "store, wall clock, dump refresh included (VoID's size and SHA-256 checked afterwards).", "",
             "| scale | docs | triples | end to end s | of it dump s | CPU s | peak RSS MiB | store MiB | dump MiB "
             "| CPU-µs/triple | × 1M | wall-µs/triple | × 1M | slowest p50 | slowest cold | add doc s (VoID ok) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|"]
    for r in rows:
        add = "–" if r["add_document_s"] is None else f"{r['add_document_s']} ({fmt(r['add_document_ok'])})"
        lines.append(f"| {r['scale']} | {fmt(r['documents'])} | {fmt(r['triples'])} | {fmt(r['seconds'])} | "
                     f"{fmt(r['dump_s'])} | {fmt(r['cpu_s'])} | {fmt(r['peak_rss_mib'])} | {fmt(r['store_mib'])} | "
                     f"{fmt(r['dump_mib'])} | {fmt(r['cpu_us_per_triple'])} | {fmt(r['cpu_vs_1M'])} | "
                     f"{fmt(r['wall_us_per_triple'])} | {fmt(r['wall_vs_1M'])} | {_slow(r['slowest_p50'])} | "
                     f"{_slow(r['slowest_cold'])} | {add} |")
    lines += ["", "Stage CPU seconds (workers summed; store: the parent's wall): " + "; ".join(
        f"{r['scale']}: " + ", ".join(f"{k} {v}" for k, v in r["stage_cpu_s"].items()) for r in rows), ""]
    # per query, per scale: p50 / cold over HTTP
    by = _by(report)
    scales = [r["scale"] for r in rows if (by[r["scale"]].get("http") or {}).get("queries")]
    names = sorted({n for sc in scales for n in by[sc]["http"]["queries"]})
    if names:
        lines += ["Per query over HTTP, ms: p50 / cold.", "",
                  "| query | " + " | ".join(scales) + " |", "|---|" + "---:|" * len(scales)]
        for n in names:
            cells = []
            for sc in scales:
                q = by[sc]["http"]["queries"].get(n)
                cells.append("–" if q is None else ("error" if "p50_ms" not in q and "cold_ms" not in q
                                                    else f"{fmt(q.get('p50_ms'))} / {fmt(q.get('cold_ms'))}"))
            lines.append(f"| {n} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


# --- Virtuoso side by side -----------------------------------------------------------------


def virtuoso_markdown(report: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for s in report.get("scales", []):
        v = s.get("virtuoso")
        if not v:
            continue
        lines += [f"## Virtuoso {v.get('version', '7.2.5')} side by side at {s['scale']}", ""]
        if "load" in v:
            ld = v["load"]
            lines.append(f"The store's quads (N-Quads) through Virtuoso's bulk loader: {ld['seconds']} s "
                         f"(server CPU {fmt(ld.get('server_cpu_s'))} s), {fmt(ld.get('quads'))} quads in "
                         f"{fmt(ld.get('graphs'))} graphs under the base IRI; database {fmt(v.get('disk_mib'))} MiB. "
                         f"Settings: {', '.join(f'{k}={x}' for k, x in v.get('settings', {}).items())}.")
        if v.get("error"):
            lines.append(f"**Error:** {v['error']}")
        lines.append("")
        vq = v.get("queries", {})
        http = (s.get("http") or {}).get("queries", {})
        ss = (v.get("serve_store") or {}).get("queries", {})
        if vq:
            lines += ["Milliseconds. Virtuoso: POST to its /sparql with no dataset (its own default graph, the "
                      "union of all its graphs), cold = the first query after a restart (OS cache dropped where "
                      "allowed), p50 of the warm repeats. budgetkg: GET /sparql on `budgetkg serve` (the "
                      "embedded store). ratio = budgetkg / Virtuoso (≤ 1: budgetkg no slower). Rows: compared "
                      "with the embedded store's (numbers as numbers, as multisets). serve --store = `budgetkg "
                      "serve --store` on that Virtuoso (the remote backend; the document graphs as the dataset).",
                      "", "| query | rows | Virtuoso rows | Virtuoso cold | Virtuoso p50 | budgetkg cold | budgetkg p50 "
                      "| ratio p50 | ratio cold | serve --store rows | serve --store first | serve --store p50 |",
                      "|---|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|"]
            for name in sorted(set(vq) | set(http)):
                q, h, r = vq.get(name, {}), http.get(name, {}), ss.get(name, {})
                lines.append(
                    f"| {name} | {fmt(q.get('expected_rows', h.get('rows')))} | {_rows(q)} | {_ms(q, 'cold_ms')} | "
                    f"{_ms(q, 'p50_ms')} | {fmt(h.get('cold_ms'))} | {fmt(h.get('p50_ms'))} | "
                    f"{fmt(ratio(h.get('p50_ms'), q.get('p50_ms')))} | {fmt(ratio(h.get('cold_ms'), q.get('cold_ms')))} | "
                    f"{_rows(r)} | {_ms(r, 'first_ms')} | {_ms(r, 'p50_ms')} |")
            differ = [(n, q["row_check"]) for n, q in sorted(vq.items()) if q.get("row_check")]
            differ += [(f"{n} (serve --store)", q["row_check"]) for n, q in sorted(ss.items()) if q.get("row_check")]
            if differ:
                lines += ["", "Rows that differ (missing: in the embedded store's answer only; extra: in the "
                          "other's only; one example each):", ""]
                for n, c in differ:
                    lines.append(f"- {n}: {c.get('missing')} missing, {c.get('extra')} extra; e.g. missing "
                                 f"{c.get('example_missing')}, extra {c.get('example_extra')}")
            st = v.get("serve_store") or {}
            if st:
                lines += ["", f"`budgetkg serve --store` answered its first request {st.get('start_s')} s after "
                          f"starting (it writes the full dump first), over {fmt(st.get('graphs'))} document graphs."]
            lines.append("")
    return lines


def _rows(q: dict[str, Any]) -> str:
    if not q:
        return "–"
    if "timeout_s" in q:
        return f"timeout (> {q['timeout_s']:g} s)"
    if "error" in q:
        return "error: " + q["error"][:80].replace("|", "/")
    same = q.get("same")
    return f"{fmt(q.get('rows'))} ({'same' if same else 'differ' if same is False else 'unchecked'})"


def _ms(q: dict[str, Any], key: str) -> str:
    if "timeout_s" in q:
        return f"> {q['timeout_s'] * 1000:,.0f}"
    return fmt(q.get(key))


# --- issue 21's "Done when" ----------------------------------------------------------------


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One line per "Done when" item of issue 21; met is None when this run did not
    measure it (e.g. no 10M scale), never a guess."""
    by = _by(report)
    out: list[dict[str, Any]] = []

    def add(target: str, measured: str, met: bool | None) -> None:
        out.append({"target": target, "measured": measured, "met": met})

    # 1. the naive ratio: measured on every query, rows checked, no timeouts
    naive_scales = [n for n in ORDER if (by.get(n) or {}).get("naive")]
    if not naive_scales:
        add("naive ratio measured on every query, rows checked, no figure resting on a timeout",
            "no naive run", None)
    for n in naive_scales:
        s = by[n]
        q, http = s["naive"]["queries"], s["http"]["queries"]
        ratios, bad = {}, []
        for name, h in http.items():
            e = q.get(name, {})
            if "p50_ms" in e and e.get("same_rows") and h.get("p50_ms"):
                ratios[name] = e["p50_ms"] / h["p50_ms"]
            else:
                why = ("timeout" if "timeout_s" in e else "rows differ" if "p50_ms" in e
                       else "error" if e else "not run")
                bad.append(f"{name} ({why})")
        plain = sum(1 for e in q.values() if e.get("text") == "plain")
        rs = sorted(ratios.values())
        add(f"{n}: naive ratio measured on every query, rows checked, no figure resting on a timeout",
            f"{len(ratios)} of {len(http)} measured with the same rows ({plain} plain texts)"
            + (f", median {statistics.median(rs):.1f}× (min {rs[0]:.1f}×, max {rs[-1]:.1f}×)" if rs else "")
            + f"; not: {', '.join(bad) or 'none'}", not bad)

    # 2. no slower than Virtuoso 7.2.5, rows compared
    v_scales = [n for n in ORDER if (by.get(n) or {}).get("virtuoso", {}).get("queries")]
    if not v_scales:
        add("every library query no slower than Virtuoso 7.2.5 (rows compared)", "no Virtuoso run", None)
    for n in v_scales:
        s = by[n]
        vq, http = s["virtuoso"]["queries"], s["http"]["queries"]
        slower, unanswered, differ = [], [], []
        for name, h in http.items():
            q = vq.get(name, {})
            if q.get("same") is False:
                differ.append(name)
            if "p50_ms" not in h:
                unanswered.append(f"{name} (budgetkg)")
            elif "p50_ms" not in q:
                continue  # Virtuoso gave no time: budgetkg is not slower than no answer
            elif h["p50_ms"] > q["p50_ms"]:
                slower.append(f"{name} {h['p50_ms'] / q['p50_ms']:.2f}×")
        no_v = [name for name in http if "p50_ms" not in vq.get(name, {})]
        add(f"{n}: every library query no slower than Virtuoso 7.2.5 (p50, rows compared)",
            f"slower: {', '.join(slower) or 'none'}; budgetkg unanswered: {', '.join(unanswered) or 'none'}; "
            f"Virtuoso unanswered: {', '.join(no_v) or 'none'}; rows differ from Virtuoso's: "
            f"{', '.join(differ) or 'none'}", not slower and not unanswered)

    # 3. 10M: p50 <= 2 s and cold <= 5 s over HTTP
    big = by.get("10M")
    if big and big.get("http"):
        http = big["http"]["queries"]
        over = [f"{name} p50 {_s(h.get('p50_ms'))}" for name, h in http.items() if not _within(h.get("p50_ms"), 2000)]
        over += [f"{name} cold {_s(h.get('cold_ms'))}" for name, h in http.items()
                 if not _within(h.get("cold_ms"), 5000)]
        add("10M: every query p50 ≤ 2 s and cold ≤ 5 s over HTTP",
            f"{len(http)} queries; over: {', '.join(over) or 'none'}", not over)
    else:
        add("10M: every query p50 ≤ 2 s and cold ≤ 5 s over HTTP", "no 10M scale in this run", None)

    # 4. 1M: every query <= 0.5 s
    one = by.get("1M")
    if one and one.get("http"):
        http = one["http"]["queries"]
        over = [f"{name} {_s(h.get('p50_ms'))}" for name, h in http.items() if not _within(h.get("p50_ms"), 500)]
        add("1M: every query ≤ 0.5 s (p50 over HTTP)", f"{len(http)} queries; over: {', '.join(over) or 'none'}",
            not over)
    else:
        add("1M: every query ≤ 0.5 s (p50 over HTTP)", "no 1M scale in this run", None)

    # 5. seed load
    c = (by.get("seed") or {}).get("cli_load")
    add("seed: `budgetkg load` ≤ 0.5 s (a subprocess into a fresh folder, wall clock)",
        f"first {c['first_s']} s, warm median {c['warm_median_s']} s" if c else "no seed scale in this run",
        None if not c else max(c["first_s"], c["warm_median_s"] or 0) <= 0.5)

    # 6. 10M end to end
    if big and big.get("load"):
        ld = big["load"]
        add("10M: end to end ≤ 5 min", f"{ld['seconds']:.0f} s (dump included: {ld.get('dump_s')} s; "
            f"{ld.get('cpu_s')} CPU-s)", ld["seconds"] <= 300)
    else:
        add("10M: end to end ≤ 5 min", "no 10M scale in this run", None)

    # 7. 30M: time, memory, cost per triple
    huge = by.get("30M")
    base = (one or {}).get("load") or {}
    if huge and huge.get("load"):
        ld = huge["load"]
        cpu_x = ratio(ld.get("cpu_us_per_triple"), base.get("cpu_us_per_triple"))
        wall_x = ratio(ld.get("wall_us_per_triple"), base.get("wall_us_per_triple"))
        add("30M: end to end ≤ 30 min", f"{ld['seconds']:.0f} s", ld["seconds"] <= 1800)
        add("30M: ≤ 6 GiB (peak RSS of every process of the load)", f"{ld['peak_rss_mib']} MiB",
            ld["peak_rss_mib"] <= 6 * GIB)
        add("30M: cost per triple within 1.5× of 1M (CPU and wall)",
            f"CPU {ld.get('cpu_us_per_triple')} µs/triple ({fmt(cpu_x)}× 1M's), wall "
            f"{ld.get('wall_us_per_triple')} µs/triple ({fmt(wall_x)}× 1M's)",
            None if cpu_x is None or wall_x is None else cpu_x <= 1.5 and wall_x <= 1.5)
    else:
        for t in ("30M: end to end ≤ 30 min", "30M: ≤ 6 GiB (peak RSS of every process of the load)",
                  "30M: cost per triple within 1.5× of 1M (CPU and wall)"):
            add(t, "no 30M scale in this run", None)

    # 8. serve --store on Virtuoso with 527+ graphs
    done = False
    for n in ORDER:
        v = (by.get(n) or {}).get("virtuoso") or {}
        st = v.get("serve_store")
        graphs = (v.get("load") or {}).get("graphs", 0)
        if not st and not (v and graphs >= 527):
            continue
        queries = (st or {}).get("queries", {})
        expected = by[n]["http"]["queries"]
        bad = [f"{q} ({'error' if 'error' in e else 'rows differ'})" for q, e in queries.items()
               if "error" in e or e.get("same") is False]
        missing = [q for q in expected if q not in queries]
        enough = graphs >= 527
        add(f"{n}: `budgetkg serve --store` on Virtuoso answers the library ({'527+' if enough else 'fewer than 527'} "
            "graphs)", f"{fmt(graphs)} graphs; {len(queries) - len(bad)} of {len(expected)} answered with the "
            f"embedded store's rows; not: {', '.join(bad + missing) or 'none'}"
            + (f"; {v['error']}" if v.get("error") else ""),
            (not bad and not missing and not v.get("error")) if enough else None)
        done = done or enough
    if not done:
        add("`budgetkg serve --store` on Virtuoso with 527+ graphs answers the library",
            "no scale with 527+ graphs on Virtuoso in this run", None)

    # 9. adding one seed-sized document to a 10M store
    a = (big or {}).get("add_document")
    if a:
        add("10M: adding one seed-sized document ≤ 5 s (wall, dump included; VoID true afterwards)",
            f"{a['seconds']} s; VoID/dump checks: {a.get('checks') or a.get('error')}",
            a["seconds"] <= 5 and bool(a.get("ok")))
    else:
        largest = next((n for n in reversed(ORDER) if (by.get(n) or {}).get("add_document")), None)
        a = by[largest]["add_document"] if largest else None
        add("10M: adding one seed-sized document ≤ 5 s (wall, dump included; VoID true afterwards)",
            f"no 10M scale in this run; at {largest}: {a['seconds']} s, checks {a.get('checks')}" if a
            else "no 10M scale in this run", None)
    return out


def _within(ms: float | None, limit: float) -> bool:
    return ms is not None and ms <= limit


def _s(ms: float | None) -> str:
    return "no answer" if ms is None else f"{ms / 1000:.2f} s"


def targets_markdown(report: dict[str, Any]) -> list[str]:
    lines = ["## Targets (issue 21: Scale, \"Done when\")", "", "| target | measured | met |", "|---|---|---|"]
    for t in report.get("targets_21") or targets(report):
        lines.append(f"| {t['target']} | {t['measured']} | "
                     f"{'yes' if t['met'] else ('no' if t['met'] is False else '– (not measured)')} |")
    return lines + [""]
