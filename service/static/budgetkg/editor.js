// The query editor: YASGUI on this service's endpoint, prefixes prefilled, the
// canned queries of GET /queries one click away. Nothing is fetched from elsewhere.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var prefixLines = Object.keys(config.prefixes).sort().map(function (name) {
    return "PREFIX " + name + ": <" + config.prefixes[name] + ">";
  });
  var used = ["bkg", "rdfs", "skos"];
  var starter = prefixLines.filter(function (line) {
    return used.indexOf(line.split(":")[0].slice(7)) >= 0;
  }).join("\n") +
    "\n\n# 每个年度的项目表数量 Project tables per fiscal year\n" +
    "SELECT ?year (COUNT(?project) AS ?projects) WHERE {\n" +
    "  ?project a bkg:ProjectYear ; bkg:fiscalYear ?year .\n" +
    "} GROUP BY ?year ORDER BY ?year\n";

  // Keep YASQE's completions local: the class/property completers ask lov.linkeddata.es.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];

  // Readable by default: plain values ("2022", not "2022"^^xsd:gYear) and whole cells
  // (names in full, not cut to a few characters). The table's own switches still work.
  var Table = Yasgui.Yasr.plugins.table;
  if (Table && Table.prototype.draw && !Table.prototype.budgetkgDefaults) {
    var draw = Table.prototype.draw;
    Table.prototype.budgetkgDefaults = true;
    Table.prototype.draw = function (config) {
      var merged = { compact: true, isEllipsed: false };
      var given = config || {};
      for (var key in given) { if (given[key] !== undefined) { merged[key] = given[key]; } }
      return draw.call(this, merged);
    };
  }
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: "budgetkg-editor",
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { value: starter },
    yasr: { prefixes: config.prefixes, pluginOrder: ["table", "chart", "response"], defaultPlugin: "table" }
  });
  window.budgetkgYasgui = yasgui;

  function withPrefixes(text) {
    // Add the PREFIX lines the query uses but does not declare.
    var missing = prefixLines.filter(function (line) {
      var name = line.split(":")[0].slice(7);
      var declared = new RegExp("PREFIX\\s+" + name + ":", "i").test(text);
      return !declared && new RegExp("(^|[\\s(/^|,;])" + name + ":").test(text);
    });
    return missing.length ? missing.join("\n") + "\n" + text : text;
  }

  function text(value) {
    // A title or description may be a string or {zh: …, en: …}.
    if (!value || typeof value === "string") { return value || ""; }
    return [value.zh, value.en].filter(Boolean).join(" · ");
  }

  function queryText(name, search) {
    // The text bound by the server exactly as /queries/NAME binds it: the store's years
    // and other defaults it decides, or a 400 saying why not (e.g. a year not loaded).
    var url = config.queries + "/" + encodeURIComponent(name) + ".rq" + (search || "");
    return fetch(url, { headers: { Accept: "application/sparql-query, text/plain" } })
      .then(function (r) {
        if (r.ok) { return r.text(); }
        return r.json().then(function (body) {
          var err = body && body.error ? body.error : { title: "HTTP " + r.status, detail: "" };
          throw new Error(err.title + ": " + err.detail);
        }, function () { throw new Error("HTTP " + r.status); });
      });
  }

  var message = document.getElementById("canned-message");
  function say(text) {
    message.textContent = text || "";
    message.hidden = !text;
  }

  function run(name, search) {
    say("");
    return queryText(name, search).then(function (text) {
      var tab = yasgui.getTab();
      tab.setEndpoint(endpoint);
      var yasqe = tab.getYasqe();
      yasqe.setValue(withPrefixes(text));
      yasqe.query();
    }, function (error) { say(error.message); });
  }

  // /editor?canned=NAME&param=value (the query pages link here): load and run it.
  var asked = new URLSearchParams(window.location.search);
  if (asked.get("canned")) {
    var name = asked.get("canned");
    asked.delete("canned");
    var rest = asked.toString();
    run(name, rest ? "?" + rest : "");
  }

  // A dataset IRI in the results opens its page here (the IRI's own host may not serve it).
  document.getElementById("yasgui").addEventListener("click", function (event) {
    var a = event.target.closest ? event.target.closest("a[href]") : null;
    if (!a) { return; }
    var href = a.getAttribute("href");
    for (var iri in config.namespaces || {}) {
      if (href.indexOf(iri) === 0) {
        event.preventDefault();
        window.location.href = config.namespaces[iri] + href.slice(iri.length);
        return;
      }
    }
  }, true);

  var list = document.getElementById("canned-list");
  var status = document.getElementById("canned-status");
  fetch(config.queries, { headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
    .then(function (body) {
      var queries = Array.isArray(body) ? body : (body.queries || []);
      status.remove();
      if (!queries.length) {
        list.innerHTML = '<li class="muted">暂无 <span class="en">none yet</span></li>';
        return;
      }
      queries.forEach(function (q) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "canned";
        button.dataset.name = q.name;
        button.textContent = text(q.title) || q.name;
        button.title = text(q.description);
        button.addEventListener("click", function () { run(q.name); });
        li.appendChild(button);
        if (q.description) {
          var p = document.createElement("p");
          p.className = "muted";
          p.textContent = text(q.description);
          li.appendChild(p);
        }
        list.appendChild(li);
      });
    })
    .catch(function () {
      status.innerHTML = '预置查询不可用 <span class="en">no canned queries available</span>';
    });
})();
