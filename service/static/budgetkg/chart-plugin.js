// A YASR plugin that draws SELECT results as a bar chart (SVG, no library, offline).
// The measure is chosen by datatype and name as the server's charts do (service/charts.py):
// money first (…WanYuan, total, sum, difference), then counts (projects, uses …), never a
// code, year or position; labels are the text columns, written in full.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var NUMERIC = /#(decimal|integer|int|long|short|double|float|nonNegativeInteger|positiveInteger)$/;
  var MONEY = /wan|yuan|total|sum|amount|difference|funds|budget/i;
  var COUNT = /projects|count|uses|indicators|rows|tables|years$|number|^n$/i;
  var NOT_A_MEASURE = /code|year$|^year|sequence|position|^seq|notation|low|high|percent|ratio/i;
  var NAME = /name|project|label|title|indicator|source|keyword|status|change|kind|target/i;
  var MAX_BARS = 60;

  function isNumber(term) {
    return term && term.type !== "uri" && term.value !== "" && !isNaN(Number(term.value)) &&
      !!term.datatype && NUMERIC.test(term.datatype);
  }

  function shorten(value, prefixes) {
    for (var name in prefixes) {
      if (value.indexOf(prefixes[name]) === 0) { return name + ":" + value.slice(prefixes[name].length); }
    }
    return value;
  }

  function el(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) { node.setAttribute(key, attrs[key]); }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function ChartPlugin(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = "Chart";
  }

  ChartPlugin.prototype.columns = function () {
    var results = this.yasr.results;
    if (!results || !results.getVariables || !results.getBindings) { return null; }
    var vars = results.getVariables() || [];
    var rows = results.getBindings() || [];
    if (!vars.length || !rows.length) { return null; }
    var numeric = vars.filter(function (v) {
      return rows.every(function (r) { return !r[v] || isNumber(r[v]); }) && rows.some(function (r) { return r[v]; });
    });
    var candidates = numeric.filter(function (v) { return !NOT_A_MEASURE.test(v); });
    if (!candidates.length) { return null; }
    function score(v) { return MONEY.test(v) ? 2 : COUNT.test(v) ? 1 : 0; }
    var measure = candidates.reduce(function (best, v) { return score(v) > score(best) ? v : best; });
    var text = vars.filter(function (v) {
      return v !== measure && numeric.indexOf(v) < 0 && rows.every(function (r) { return !r[v] || r[v].type === "literal"; });
    });
    var named = text.filter(function (v) { return NAME.test(v); });
    var labels = named.length ? named : (text.length ? text : vars.filter(function (v) { return v !== measure; }).slice(0, 1));
    return { measure: measure, labels: labels, rows: rows };
  };

  ChartPlugin.prototype.canHandleResults = function () { return !!this.columns(); };

  ChartPlugin.prototype.getIcon = function () {
    var span = document.createElement("span");
    span.textContent = "▇";
    span.setAttribute("aria-hidden", "true");
    return span;
  };

  ChartPlugin.prototype.draw = function () {
    var cols = this.columns();
    var host = this.yasr.resultsEl;
    var prefixes = (this.yasr.config && this.yasr.config.prefixes) || {};
    if (typeof prefixes === "function") { prefixes = prefixes(this.yasr) || {}; }
    var rows = cols.rows.slice(0, MAX_BARS);
    var values = rows.map(function (r) { return r[cols.measure] ? Number(r[cols.measure].value) : 0; });
    var max = Math.max.apply(null, values.concat([0])) || 1;
    var texts = rows.map(function (r) {
      var parts = [];
      cols.labels.forEach(function (v) {  // nameA and nameB are mostly one name: once
        var text = r[v] ? shorten(r[v].value, prefixes) : "";
        if (text && parts.indexOf(text) < 0) { parts.push(text); }
      });
      return parts.join(" · ");
    });
    // Labels in full: the label column is as wide as the longest (CJK twice as wide).
    var widest = texts.reduce(function (w, t) {
      var n = 0;
      for (var i = 0; i < t.length; i++) { n += /[\u2e80-\uffef]/.test(t[i]) ? 12 : 6.8; }
      return Math.max(w, n);
    }, 0);
    var barH = 22, labelW = Math.max(widest + 12, 80), top = 24;
    // the bars take the room the labels leave; a very wide chart scales down (viewBox)
    var plotW = Math.max(160, Math.min(420, (host.clientWidth || 900) - labelW - 110));
    var width = labelW + plotW + 100, height = top + rows.length * barH + 10;
    var svg = el("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height,
      style: "max-width: 100%; height: auto", class: "bkg-chart", role: "img" });
    svg.appendChild(el("text", { x: labelW + 4, y: 14, class: "bkg-chart-title" }, cols.measure));
    rows.forEach(function (r, i) {
      var y = top + i * barH;
      var text = texts[i];
      svg.appendChild(el("text", { x: labelW - 6, y: y + 15, "text-anchor": "end" }, text));
      var w = Math.max(0, values[i] / max * plotW);
      var rect = el("rect", { x: labelW, y: y + 3, width: w.toFixed(1), height: barH - 6, class: "bkg-chart-bar" });
      rect.appendChild(el("title", {}, text + ": " + values[i]));
      svg.appendChild(rect);
      svg.appendChild(el("text", { x: labelW + w + 4, y: y + 15 }, String(values[i])));
    });
    var wrapper = document.createElement("div");
    wrapper.className = "bkg-chart-wrapper";
    if (cols.rows.length > MAX_BARS) {
      var note = document.createElement("p");
      note.textContent = "First " + MAX_BARS + " of " + cols.rows.length + " rows.";
      wrapper.appendChild(note);
    }
    wrapper.appendChild(svg);
    host.appendChild(wrapper);
  };

  Yasgui.Yasr.registerPlugin("chart", ChartPlugin);
})();
