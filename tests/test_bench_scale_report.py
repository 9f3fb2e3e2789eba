"""bench/scale_report.py and bench/virtuoso_side.py: issue 21's verdicts come from the
figures (a timeout or a differing row is never "met"), and Virtuoso's benchmark
configuration is the test server's with the benchmark's settings."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[1] / "bench"


def _load(name):
    sys.path.insert(0, str(BENCH))
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))
        sys.path.remove(str(Path(__file__).parent))


@pytest.fixture(scope="module")
def report_module():
    return _load("scale_report")


def scale(name, http, virtuoso=None, load=None, naive=None, **extra):
    out = {"scale": name, "http": {"queries": http},
           "load": load or {"seconds": 10.0, "triples": 1000, "cpu_us_per_triple": 10.0, "wall_us_per_triple": 10.0,
                            "peak_rss_mib": 100.0, "documents": 1, "stage_cpu_s": {}}}
    if virtuoso is not None:
        out["virtuoso"] = virtuoso
    if naive is not None:
        out["naive"] = naive
    out.update(extra)
    return out


def verdicts(module, *scales):
    return {t["target"]: t for t in module.targets({"scales": list(scales)})}


def find(verdicts, start):
    return next(t for name, t in verdicts.items() if name.startswith(start))


def test_10M_limits_are_checked_on_every_query_and_a_missing_time_fails(report_module):
    ok = {"a": {"p50_ms": 1900, "cold_ms": 4900}, "b": {"p50_ms": 10, "cold_ms": 20}}
    v = verdicts(report_module, scale("10M", ok))
    assert find(v, "10M: every query p50")["met"] is True
    slow = {**ok, "b": {"p50_ms": 2100, "cold_ms": 20}}
    assert find(verdicts(report_module, scale("10M", slow)), "10M: every query p50")["met"] is False
    failed = {**ok, "b": {"error": "HTTP 422", "cold_ms": 20}}  # the service's time limit
    t = find(verdicts(report_module, scale("10M", failed)), "10M: every query p50")
    assert t["met"] is False and "no answer" in t["measured"]
    assert find(verdicts(report_module, scale("1M", ok)), "10M: every query p50")["met"] is None


def test_virtuoso_comparison_counts_slower_queries_and_reports_rows(report_module):
    http = {"a": {"p50_ms": 10.0}, "b": {"p50_ms": 30.0}}
    virt = {"queries": {"a": {"p50_ms": 20.0, "same": True}, "b": {"p50_ms": 40.0, "same": False}}}
    t = find(verdicts(report_module, scale("1M", http, virt)), "1M: every library query no slower than Virtuoso")
    assert t["met"] is True and "rows differ from Virtuoso's: b" in t["measured"]
    virt["queries"]["a"]["p50_ms"] = 5.0
    t = find(verdicts(report_module, scale("1M", http, virt)), "1M: every library query no slower than Virtuoso")
    assert t["met"] is False and "a 2.00×" in t["measured"]


def test_the_naive_ratio_is_not_met_with_a_timeout_or_other_rows(report_module):
    http = {"a": {"p50_ms": 10.0}, "b": {"p50_ms": 10.0}}
    good = {"queries": {"a": {"p50_ms": 100.0, "same_rows": True, "text": "plain"},
                        "b": {"p50_ms": 50.0, "same_rows": True, "text": "plain"}}}
    assert find(verdicts(report_module, scale("100k", http, naive=good)), "100k: naive ratio")["met"] is True
    timeout = {"queries": {**good["queries"], "b": {"timeout_s": 30.0, "text": "plain"}}}
    t = find(verdicts(report_module, scale("100k", http, naive=timeout)), "100k: naive ratio")
    assert t["met"] is False and "b (timeout)" in t["measured"]
    differ = {"queries": {**good["queries"], "b": {"p50_ms": 5.0, "same_rows": False, "text": "plain"}}}
    t = find(verdicts(report_module, scale("100k", http, naive=differ)), "100k: naive ratio")
    assert t["met"] is False and "b (rows differ)" in t["measured"]


def test_serve_store_needs_527_graphs_and_the_embedded_rows(report_module):
    http = {"a": {"p50_ms": 10.0}}
    virt = {"load": {"graphs": 539}, "queries": {"a": {"p50_ms": 20.0, "same": True}},
            "serve_store": {"queries": {"a": {"p50_ms": 30.0, "same": True}}}}
    t = find(verdicts(report_module, scale("10M", http, virt)), "10M: `budgetkg serve --store`")
    assert t["met"] is True
    virt["serve_store"]["queries"]["a"]["same"] = False
    assert find(verdicts(report_module, scale("10M", http, virt)), "10M: `budgetkg serve --store`")["met"] is False
    virt["load"]["graphs"] = 56  # too few graphs: measured, but not the target's size
    assert find(verdicts(report_module, scale("1M", http, virt)), "1M: `budgetkg serve --store`")["met"] is None


def test_cost_per_triple_is_compared_with_1M(report_module):
    one = scale("1M", {}, load={"seconds": 30.0, "triples": 10**6, "cpu_us_per_triple": 60.0,
                                "wall_us_per_triple": 30.0, "peak_rss_mib": 600.0})
    big = scale("30M", {}, load={"seconds": 1500.0, "triples": 3 * 10**7, "cpu_us_per_triple": 95.0,
                                 "wall_us_per_triple": 50.0, "peak_rss_mib": 5000.0})
    v = verdicts(report_module, one, big)
    assert find(v, "30M: end to end")["met"] is True
    assert find(v, "30M: ≤ 6 GiB")["met"] is True
    t = find(v, "30M: cost per triple")
    assert t["met"] is False and "1.58×" in t["measured"]  # CPU 95 / 60
    rows = {r["scale"]: r for r in report_module.cost_curve({"scales": [one, big]})}
    assert rows["30M"]["cpu_vs_1M"] == 1.58 and rows["1M"]["wall_vs_1M"] == 1.0


def test_virtuoso_bench_configuration_is_the_test_servers_with_bench_settings(tmp_path):
    side = _load("virtuoso_side")
    ini = side.bench_ini(tmp_path, 1111, 2222)
    for key, value in side.BENCH_SETTINGS.items():
        assert f"\n{key} = {value}\n" in ini
    assert "ServerPort = 127.0.0.1:1111" in ini and "ServerPort = 127.0.0.1:2222" in ini
    assert "NumberOfBuffers = 10000\n" not in ini  # the test server's small cache is replaced
