(function () {
  "use strict";
  var PAGE = 50;
  var body = document.getElementById("b-rows");
  if (!body) { return; }
  var rows = Array.prototype.slice.call(body.rows);
  var detail = document.getElementById("b-detail");
  var byId = function (id) { return document.getElementById(id); };
  var state = { sort: null, dir: 1, page: 0, shown: [] };
  var haystacks = {};

  function values(metric) {
    var seen = {};
    rows.forEach(function (row) {
      var cell = row.querySelector('td[data-metric="' + CSS.escape(metric) + '"]');
      if (cell && cell.dataset.v !== "") { seen[cell.dataset.v] = cell.textContent; }
    });
    return Object.keys(seen).sort(compareText).map(function (v) { return [v, seen[v]]; });
  }

  function fillValues() {
    var select = byId("f-value"), metric = byId("f-metric").value;
    select.innerHTML = "";
    select.add(new Option("any value", ""));
    select.disabled = !metric;
    if (metric) {
      values(metric).forEach(function (pair) { select.add(new Option(pair[1], pair[0])); });
    }
  }

  function haystack(row) {
    var i = row.dataset.i;
    if (!(i in haystacks)) {
      var card = byId("sample-" + i);
      haystacks[i] = (row.textContent + " " + (card ? card.content.textContent : "")).toLowerCase();
    }
    return haystacks[i];
  }

  function matches(row) {
    var arm = byId("f-arm").value, epoch = byId("f-epoch").value;
    var status = byId("f-status").value, metric = byId("f-metric").value;
    var value = byId("f-value").value, text = byId("f-search").value.trim().toLowerCase();
    if (arm && row.dataset.arm !== arm) { return false; }
    if (epoch && row.dataset.epoch !== epoch) { return false; }
    if (status === "error") { if (!row.dataset.error) { return false; } }
    else if (status.indexOf("error:") === 0) { if (row.dataset.error !== status.slice(6)) { return false; } }
    else if (status && row.dataset.status !== status) { return false; }
    if (metric) {
      var cell = row.querySelector('td[data-metric="' + CSS.escape(metric) + '"]');
      if (!cell || cell.dataset.v === "") { return false; }
      if (value && cell.dataset.v !== value) { return false; }
    }
    if (text) {
      var words = text.split(/\s+/);
      var hay = haystack(row);
      for (var w = 0; w < words.length; w++) { if (hay.indexOf(words[w]) < 0) { return false; } }
    }
    return true;
  }

  function compareText(a, b) {
    var x = Number(a), y = Number(b);
    if (a !== "" && b !== "" && !isNaN(x) && !isNaN(y)) { return x - y; }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function key(row) {
    if (!state.sort) { return null; }
    if (state.sort.indexOf("m:") === 0) {
      var cell = row.querySelector('td[data-metric="' + CSS.escape(state.sort.slice(2)) + '"]');
      return cell ? cell.dataset.v : "";
    }
    return row.dataset[state.sort] || "";
  }

  function compare(a, b) {
    var x = key(a), y = key(b);
    if (x === "" && y !== "") { return 1; }  // rows without the value go last
    if (y === "" && x !== "") { return -1; }
    var order = compareText(x, y) * state.dir;
    return order || Number(a.dataset.i) - Number(b.dataset.i);
  }

  function update() {
    var shown = rows.filter(matches);
    if (state.sort) { shown.sort(compare); }
    state.shown = shown;
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    rows.forEach(function (row) { row.hidden = true; });
    shown.forEach(function (row, n) {
      body.appendChild(row);
      row.hidden = Math.floor(n / PAGE) !== state.page;
    });
    byId("b-count").textContent = shown.length + " of " + rows.length + " sample rows match";
    byId("page").textContent = "page " + (state.page + 1) + " of " + pages;
  }

  function open(row) {
    var card = byId("sample-" + row.dataset.i);
    rows.forEach(function (r) { r.classList.remove("selected"); });
    row.classList.add("selected");
    detail.innerHTML = "";
    detail.appendChild(card.content.cloneNode(true));
    detail.scrollIntoView({ block: "nearest" });
  }

  window.ethosPage = function (step) {
    var pages = Math.max(1, Math.ceil(state.shown.length / PAGE));
    state.page = Math.min(pages - 1, Math.max(0, state.page + step));
    update();
  };

  Array.prototype.forEach.call(document.querySelectorAll("#b-table th[data-sort]"), function (th) {
    th.addEventListener("click", function () {
      var name = th.dataset.sort;
      state.dir = state.sort === name ? -state.dir : 1;
      state.sort = name;
      Array.prototype.forEach.call(th.parentNode.children, function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
      update();
    });
  });
  ["f-arm", "f-epoch", "f-status", "f-value"].forEach(function (id) {
    byId(id).addEventListener("change", function () { state.page = 0; update(); });
  });
  byId("f-metric").addEventListener("change", function () { fillValues(); state.page = 0; update(); });
  byId("f-search").addEventListener("input", function () { state.page = 0; update(); });
  body.addEventListener("click", function (event) {
    var row = event.target.closest("tr");
    if (row) { open(row); }
  });
  body.addEventListener("keydown", function (event) {
    var row = event.target.closest("tr");
    if (row && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); open(row); }
  });
  fillValues();
  update();
})();
