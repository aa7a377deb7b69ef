/*
 * ModelCache dashboard. No framework and nothing loaded from elsewhere: it reads the proxy's admin endpoints next
 * to this page (stats, requests, mode, entries) and writes every value into the page as text, never as markup.
 * One function per panel; a figure that is missing shows as "–".
 */
(function () {
  "use strict";

  var TOKEN_KEY = "modelcache.adminToken";
  var POLL_MILLIS = 2500;
  var ENTRY_PAGE = 20;
  var DASH = "–";
  var SVG = "http://www.w3.org/2000/svg";
  /**
   * The one locale of every number, date and time on the page: the viewer's own (the browser's first preferred
   * language), so that 1,234 goes with 12/7/2026 and 1.234 with 7.12.2026, never one locale's numbers beside
   * another's dates. Every formatter below passes it; nothing else formats for display.
   */
  var LOCALE = (navigator.languages && navigator.languages[0]) || navigator.language || "en-US";

  var state = {
    needToken: false,
    entryOffset: 0,
    entryCount: null,
    shownEntries: null,
    selectedKey: null,
    timer: null
  };

  // ---- helpers ---------------------------------------------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function setText(id, text) { $(id).textContent = text === undefined || text === null ? DASH : String(text); }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function isNum(v) { return typeof v === "number" && isFinite(v); }

  function pick() {
    for (var i = 0; i < arguments.length; i++) {
      if (arguments[i] !== undefined && arguments[i] !== null) { return arguments[i]; }
    }
    return undefined;
  }

  function path(obj, keys) {
    var node = obj;
    for (var i = 0; i < keys.length; i++) {
      if (node === null || typeof node !== "object") { return undefined; }
      node = node[keys[i]];
    }
    return node;
  }

  function fmtInt(v) { return isNum(v) ? Math.round(v).toLocaleString(LOCALE) : DASH; }

  /** {@code v} with exactly {@code digits} decimals, in the page's locale. */
  function fmtFixed(v, digits) {
    return v.toLocaleString(LOCALE, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  function fmtRatio(v) { return isNum(v) ? fmtFixed(v * 100, v >= 0.995 || v === 0 ? 0 : 1) + "%" : DASH; }

  function fmtUsd(v) {
    if (!isNum(v)) { return DASH; }
    if (v === 0) { return "$0"; }
    if (Math.abs(v) >= 1) { return "$" + fmtFixed(v, 2); }
    return "$" + v.toLocaleString(LOCALE, { maximumSignificantDigits: 3 });
  }

  /** A figure's amount: cents at most, the exact amount in its tooltip. */
  function fmtUsdShort(v) {
    return isNum(v) && v > 0 && v < 0.01 ? "< $0.01" : fmtUsd(v);
  }

  function setFigure(id, text, exact) {
    setText(id, text);
    $(id).title = exact === undefined || exact === text ? "" : exact;
  }

  function fmtBytes(v) {
    if (!isNum(v)) { return DASH; }
    var units = ["B", "KiB", "MiB", "GiB", "TiB"];
    var i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? fmtInt(v) : fmtFixed(v, 1)) + " " + units[i];
  }

  function toDate(value) {
    return value instanceof Date ? value : typeof value === "number" ? new Date(value) : new Date(String(value));
  }

  /** A time of day with seconds, in the page's locale (and the viewer's time zone, as every date here). */
  function fmtTime(value) {
    var date = toDate(value);
    return isNaN(date.getTime()) ? DASH : date.toLocaleTimeString(LOCALE);
  }

  /** Hours and minutes only: the chart's ticks. */
  function fmtHourMinute(value) {
    var date = toDate(value);
    return isNaN(date.getTime()) ? DASH : date.toLocaleTimeString(LOCALE, { hour: "2-digit", minute: "2-digit" });
  }

  function fmtDateTime(value) {
    var date = toDate(value);
    return isNaN(date.getTime()) ? DASH : date.toLocaleString(LOCALE);
  }

  function status(text, bad) {
    var node = $("status");
    node.textContent = text;
    node.className = bad ? "status bad" : "status";
  }

  // ---- talking to the proxy --------------------------------------------------------------------------------

  function NeedsToken() { this.name = "NeedsToken"; }

  function HttpError(statusCode, message) { this.status = statusCode; this.message = message; }

  /** A fetch of an admin endpoint (relative to this page), with the tab's token; JSON back, or null for 204. */
  function api(method, url, body) {
    var headers = { "Accept": "application/json" };
    var token = sessionStorage.getItem(TOKEN_KEY);
    if (token) { headers["Authorization"] = "Bearer " + token; }
    var init = { method: method, headers: headers, cache: "no-store", credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (response) {
      if (response.status === 401) { askForToken(token ? "That token was refused." : ""); throw new NeedsToken(); }
      if (response.status === 204) { return null; }
      return response.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        if (!response.ok) {
          throw new HttpError(response.status, path(json, ["error", "message"]) || ("HTTP " + response.status));
        }
        return json;
      });
    });
  }

  function failed(where) {
    return function (error) {
      if (error instanceof NeedsToken) { return; }
      status(where + ": " + (error && error.message ? error.message : String(error)), true);
    };
  }

  // ---- token -----------------------------------------------------------------------------------------------

  function askForToken(message) {
    state.needToken = true;
    $("token-panel").hidden = false;
    $("main").hidden = true;
    $("token-error").textContent = message || "";
    status("admin token needed", true);
    $("token-input").focus();
  }

  function useToken(event) {
    event.preventDefault();
    var token = $("token-input").value.trim();
    if (!token) { $("token-error").textContent = "Enter the token."; return; }
    sessionStorage.setItem(TOKEN_KEY, token);
    $("token-input").value = "";
    state.needToken = false;
    $("token-panel").hidden = true;
    $("main").hidden = false;
    refreshAll();
  }

  // ---- figures ---------------------------------------------------------------------------------------------

  /** The top figures, counted since the cache was created (the stats' sinceCreated). */
  function renderFigures(stats) {
    var s = stats.sinceCreated || {};
    setText("fig-hit-ratio", fmtRatio(s.hitRatio));
    setText("fig-requests", fmtInt(s.requests));
    setText("fig-calls-saved", fmtInt(path(s, ["byStatus", "hit"])));
    setText("fig-tokens-saved", fmtInt(path(s, ["tokens", "saved", "total"])));
    var usdSaved = path(s, ["usd", "saved"]), usdSpent = path(s, ["usd", "spent"]);
    setFigure("fig-usd-saved", fmtUsdShort(usdSaved), fmtUsd(usdSaved));
    setFigure("fig-usd-spent", fmtUsdShort(usdSpent), fmtUsd(usdSpent));
    setText("fig-entries", fmtInt(s.entries));
    setText("fig-bytes", fmtBytes(s.bytes));
    $("figures-since").textContent = s.since ? "Since " + fmtDateTime(s.since) + "." : "";
  }

  // ---- chart -----------------------------------------------------------------------------------------------

  /** The stats' per-minute buckets of the last hour. */
  function timelineOf(stats) {
    var buckets = path(stats, ["timeline", "buckets"]) || [];
    $("chart-note").textContent = "The last hour, a bar a minute.";
    return buckets.map(function (b) {
      return { start: new Date(b.start), hits: b.hits || 0, misses: b.misses || 0, savedUsd: b.savedUsd || 0 };
    });
  }

  function svgNode(tag, attributes, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, String(attributes[name])); });
    if (text !== undefined) { node.textContent = String(text); }
    return node;
  }

  /** Stacked hit/miss bars per minute, and the dollars saved per minute as a line on its own scale. */
  function renderChart(stats) {
    var buckets = timelineOf(stats);
    var width = 900, height = 220, left = 40, right = 64, top = 10, bottom = 24;
    var svg = svgNode("svg", { viewBox: "0 0 " + width + " " + height, role: "img",
      "aria-label": "calls per minute, hits and misses, and dollars saved" });
    var plotW = width - left - right, plotH = height - top - bottom;
    var maxCalls = 1, maxUsd = 0;
    buckets.forEach(function (b) { maxCalls = Math.max(maxCalls, b.hits + b.misses); maxUsd = Math.max(maxUsd, b.savedUsd); });
    svg.appendChild(svgNode("line", { x1: left, y1: top + plotH, x2: left + plotW, y2: top + plotH, "class": "axis" }));
    svg.appendChild(svgNode("text", { x: left - 6, y: top + 10, "text-anchor": "end", "class": "tick" }, fmtInt(maxCalls)));
    svg.appendChild(svgNode("text", { x: left - 6, y: top + plotH, "text-anchor": "end", "class": "tick" }, "0"));
    if (maxUsd > 0) {
      svg.appendChild(svgNode("text", { x: left + plotW + 6, y: top + 10, "class": "tick usd" }, fmtUsd(maxUsd)));
    }
    var slots = Math.max(buckets.length, 12);
    var slot = plotW / slots, barW = Math.max(2, slot * 0.7);
    var points = [];
    buckets.forEach(function (b, i) {
      var x = left + i * slot + (slot - barW) / 2;
      var hitH = plotH * b.hits / maxCalls, missH = plotH * b.misses / maxCalls;
      var hit = svgNode("rect", { x: x, y: top + plotH - hitH, width: barW, height: hitH, "class": "bar-hit" });
      hit.appendChild(svgNode("title", {}, fmtTime(b.start) + ": " + b.hits + " hits"));
      var miss = svgNode("rect", { x: x, y: top + plotH - hitH - missH, width: barW, height: missH, "class": "bar-miss" });
      miss.appendChild(svgNode("title", {}, fmtTime(b.start) + ": " + b.misses + " misses"));
      svg.appendChild(hit);
      svg.appendChild(miss);
      if (maxUsd > 0) { points.push([x + barW / 2, top + plotH - plotH * b.savedUsd / maxUsd]); }
      if (i === 0 || i === buckets.length - 1) {
        svg.appendChild(svgNode("text", { x: x, y: height - 6, "class": "tick" }, fmtHourMinute(b.start)));
      }
    });
    if (maxCalls === 1 && !buckets.some(function (b) { return b.hits + b.misses > 0; })) {
      svg.appendChild(svgNode("text", { x: left + plotW / 2, y: top + plotH / 2, "text-anchor": "middle", "class": "tick" },
        "No calls in this window yet."));
    }
    if (points.length > 1) {
      svg.appendChild(svgNode("polyline", { points: points.map(function (p) { return p.join(","); }).join(" "), "class": "usd-line" }));
    }
    points.forEach(function (p) { svg.appendChild(svgNode("circle", { cx: p[0], cy: p[1], r: 2.5, "class": "usd-dot" })); });
    var chart = $("chart");
    clear(chart);
    chart.appendChild(svg);
  }

  // ---- per-model table -------------------------------------------------------------------------------------

  function cells(row, values) {
    values.forEach(function (v, i) { row.appendChild(el("td", v, i === 0 ? "" : "num")); });
  }

  function renderModels(stats) {
    var tbody = $("model-rows");
    clear(tbody);
    var groups = path(stats, ["sinceCreated", "byModel"]) || {};
    var names = Object.keys(groups).sort();
    names.forEach(function (name) {
      var g = groups[name] || {};
      var row = el("tr");
      row.setAttribute("data-model", name);
      cells(row, [name, fmtInt(g.requests), fmtInt(g.hits), fmtInt(g.misses), fmtRatio(g.hitRatio),
        fmtInt(g.upstreamCalls), fmtInt(g.savedTokens), fmtUsd(g.savedUsd), fmtUsd(g.spentUsd), fmtInt(g.avgMillis)]);
      tbody.appendChild(row);
    });
    if (names.length === 0) {
      var empty = el("tr");
      var td = el("td", "No requests yet.", "empty");
      td.setAttribute("colspan", "10");
      empty.appendChild(td);
      tbody.appendChild(empty);
    }
  }

  // ---- latest requests -------------------------------------------------------------------------------------

  function badge(cache) {
    var text = cache ? String(cache).toUpperCase() : "NONE";
    var known = ["HIT", "MISS", "REFRESH", "BYPASS", "ERROR"].indexOf(text) >= 0;
    return el("span", text, "badge " + (known ? text.toLowerCase() : "none"));
  }

  function renderRequests(body) {
    var tbody = $("request-rows");
    clear(tbody);
    var list = body && Array.isArray(body.requests) ? body.requests : [];
    list.forEach(function (r) {
      var row = el("tr");
      row.appendChild(el("td", fmtTime(r.at)));
      row.appendChild(el("td", pick(r.method, DASH)));
      row.appendChild(el("td", pick(r.path, DASH)));
      row.appendChild(el("td", pick(r.model, DASH)));
      row.appendChild(el("td", pick(r.namespace, DASH)));
      var cache = el("td");
      cache.appendChild(badge(r.cache));
      if (r.coalesced) { cache.appendChild(el("span", " coalesced", "note")); }
      row.appendChild(cache);
      row.appendChild(el("td", pick(r.status, DASH), isNum(r.status) && r.status >= 400 ? "num status-error" : "num"));
      row.appendChild(el("td", fmtInt(r.totalMs), "num"));
      var tokens = isNum(r.inputTokens) || isNum(r.outputTokens) ? (r.inputTokens || 0) + (r.outputTokens || 0) : null;
      row.appendChild(el("td", fmtInt(tokens), "num"));
      tbody.appendChild(row);
    });
    $("requests-note").textContent = list.length ? "" : "No requests yet.";
  }

  // ---- mode ------------------------------------------------------------------------------------------------

  function renderMode(body) {
    var mode = body && body.mode;
    setText("mode-current", mode || DASH);
    if (mode && document.activeElement !== $("mode-select")) { $("mode-select").value = mode; }
  }

  function switchMode(event) {
    event.preventDefault();
    var wanted = $("mode-select").value;
    api("PUT", "mode", { mode: wanted }).then(function (body) {
      renderMode(body && body.mode ? body : { mode: wanted });
      $("mode-note").textContent = "Switched to " + wanted + " at " + fmtTime(Date.now()) + ".";
      return api("GET", "mode").then(renderMode);
    }).catch(failed("mode"));
  }

  // ---- entries ---------------------------------------------------------------------------------------------

  function entryQuery() {
    var params = new URLSearchParams();
    params.set("limit", String(ENTRY_PAGE));
    params.set("offset", String(state.entryOffset));
    [["q", "entry-q"], ["provider", "entry-provider"], ["model", "entry-model"]].forEach(function (p) {
      var value = $(p[1]).value.trim();
      if (value) { params.set(p[0], value); }
    });
    return "entries?" + params.toString();
  }

  function loadEntries() {
    return api("GET", entryQuery()).then(renderEntries).catch(failed("entries"));
  }

  function renderEntries(body) {
    var tbody = $("entry-rows");
    clear(tbody);
    var list = body && Array.isArray(body.entries) ? body.entries : [];
    list.forEach(function (e) {
      var row = el("tr");
      row.setAttribute("data-key", e.key);
      row.setAttribute("data-testid", "entry-row");
      if (e.key === state.selectedKey) { row.className = "selected"; }
      row.appendChild(el("td", fmtDateTime(e.storedAtMillis)));
      row.appendChild(el("td", pick(e.provider, DASH)));
      row.appendChild(el("td", pick(e.model, DASH)));
      row.appendChild(el("td", (e.method ? e.method + " " : "") + pick(e.path, DASH) + (e.eventStream ? " (stream)" : "")));
      row.appendChild(el("td", pick(e.status, DASH), "num"));
      row.appendChild(el("td", fmtBytes(e.bodyBytes), "num"));
      row.appendChild(el("td", e.key ? String(e.key).slice(0, 12) : DASH, "mono"));
      row.addEventListener("click", function () { openEntry(e.key); });
      tbody.appendChild(row);
    });
    if (list.length === 0) {
      var empty = el("tr");
      var td = el("td", "No entries match.", "empty");
      td.setAttribute("colspan", "7");
      empty.appendChild(td);
      tbody.appendChild(empty);
    }
    var count = body && isNum(body.count) ? body.count : list.length;
    var cut = path(body, ["search", "cut"]) ? " (search cut: " + path(body, ["search", "scanned"]) + " newest searched)" : "";
    $("entry-count").textContent = fmtInt(count) + (count === 1 ? " entry" : " entries") + cut;
    var first = list.length ? state.entryOffset + 1 : 0;
    $("entry-page").textContent = first + "–" + (state.entryOffset + list.length) + " of " + fmtInt(count);
    $("entry-prev").disabled = state.entryOffset === 0;
    $("entry-next").disabled = !(body && isNum(body.next));
  }

  function fact(list, name, value) {
    list.appendChild(el("dt", name));
    list.appendChild(el("dd", value === undefined || value === null || value === "" ? DASH : value));
  }

  function pretty(value) {
    if (value === undefined || value === null) { return ""; }
    return typeof value === "string" ? value : JSON.stringify(value, null, 2);
  }

  function openEntry(key) {
    state.selectedKey = key;
    $("entry-confirm").hidden = true;
    Array.prototype.forEach.call($("entry-rows").children, function (row) {
      row.className = row.getAttribute("data-key") === key ? "selected" : "";
    });
    return api("GET", "entries/" + encodeURIComponent(key)).then(renderEntry).catch(failed("entry"));
  }

  function renderEntry(body) {
    var request = body.request || {}, response = body.response || {};
    $("entry-detail").hidden = false;
    $("entry-title").textContent = (request.method || "") + " " + (request.path || "") + " · " + (body.shortId || body.id);
    var req = $("entry-request");
    clear(req);
    fact(req, "Provider", request.provider);
    fact(req, "Model", request.model);
    req.lastChild.setAttribute("data-testid", "entry-request-model");
    req.lastChild.id = "entry-request-model";
    fact(req, "Namespace", request.namespace);
    fact(req, "Query", request.query);
    fact(req, "Partition", request.partition);
    fact(req, "Key", body.id);
    fact(req, "Pinned", body.pinned ? "yes" : "no");
    $("entry-request-body").textContent = pretty(request.body);
    var res = $("entry-response");
    clear(res);
    fact(res, "Status", response.status);
    fact(res, "Stored", response.storedAt !== undefined && response.storedAt !== null ? fmtDateTime(response.storedAt) : null);
    fact(res, "Body", fmtBytes(response.bodyBytes) + (response.bodyShown ? " (" + response.bodyShown + ")" : ""));
    fact(res, "Usage", response.usage ? JSON.stringify(response.usage) : null);
    (Array.isArray(response.headers) ? response.headers : []).forEach(function (h) { fact(res, h[0], h[1]); });
    var events = $("entry-events");
    clear(events);
    events.hidden = !Array.isArray(response.events);
    (response.events || []).forEach(function (text) {
      var item = el("li");
      item.appendChild(el("pre", text));
      events.appendChild(item);
    });
    var shown = response.body !== undefined ? pretty(response.body) : (response.base64 ? "base64: " + response.base64 : "");
    $("entry-response-body").textContent = shown;
    $("entry-response-body").hidden = !shown;
  }

  function askDelete() { $("entry-confirm").hidden = false; }

  function deleteEntry() {
    var key = state.selectedKey;
    if (!key) { return; }
    api("DELETE", "entries/" + encodeURIComponent(key)).then(function () {
      $("entry-confirm").hidden = true;
      $("entry-detail").hidden = true;
      state.selectedKey = null;
      status("deleted entry " + key.slice(0, 12));
      return Promise.all([loadEntries(), loadStats()]);
    }).catch(failed("delete"));
  }

  // ---- refreshing ------------------------------------------------------------------------------------------

  function loadStats() {
    return api("GET", "stats").then(function (stats) {
      stats = stats || {};
      renderFigures(stats);
      renderChart(stats);
      renderModels(stats);
      var entries = pick(path(stats, ["sinceCreated", "entries"]), path(stats, ["store", "entries"]));
      if (state.entryCount !== null && entries !== state.entryCount) { loadEntries(); }
      state.entryCount = isNum(entries) ? entries : null;
      status("live");
      $("updated").textContent = "updated " + fmtTime(Date.now());
    });
  }

  function poll() {
    if (document.hidden || state.needToken) { return; }
    loadStats().then(function () {
      return api("GET", "requests?limit=50").then(renderRequests).catch(failed("requests"));
    }).catch(failed("stats"));
  }

  function refreshAll() {
    poll();
    api("GET", "mode").then(renderMode).catch(failed("mode"));
    loadEntries();
  }

  function start() {
    $("token-form").addEventListener("submit", useToken);
    $("mode-form").addEventListener("submit", switchMode);
    $("entry-search").addEventListener("submit", function (event) {
      event.preventDefault();
      state.entryOffset = 0;
      loadEntries();
    });
    $("entry-prev").addEventListener("click", function () {
      state.entryOffset = Math.max(0, state.entryOffset - ENTRY_PAGE);
      loadEntries();
    });
    $("entry-next").addEventListener("click", function () {
      state.entryOffset += ENTRY_PAGE;
      loadEntries();
    });
    $("entry-delete").addEventListener("click", askDelete);
    $("entry-delete-yes").addEventListener("click", deleteEntry);
    $("entry-delete-no").addEventListener("click", function () { $("entry-confirm").hidden = true; });
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });
    state.timer = setInterval(poll, POLL_MILLIS);
    refreshAll();
  }

  document.addEventListener("DOMContentLoaded", start);
}());
