// yusuan review: keyboard navigation, finding <-> row <-> box highlighting, error messages of htmx requests.
(function () {
  "use strict";
  var current = null; // row key of the selected grid row, kept across panel swaps
  var zoomed = false; // page images at their own size (else fitted to the column), kept across panel swaps

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#grid tr.row")); }

  function light(rowKeys, findingId) {
    document.querySelectorAll(".lit").forEach(function (el) { el.classList.remove("lit"); });
    var first = null;
    rowKeys.forEach(function (key) {
      var quoted = '"' + CSS.escape(key) + '"';
      var textLine = null;
      document.querySelectorAll("[data-row-key=" + quoted + "], [data-row-keys~=" + quoted + "]").forEach(function (el) {
        if (el.classList.contains("finding")) { return; }
        el.classList.add("lit");
        if (!first && el.tagName.toLowerCase() === "tr") { first = el; }
        if (el.tagName.toLowerCase() === "rect") { scrollIntoPage(el); }
        if (!textLine && el.classList.contains("line")) { textLine = el; }
      });
      if (textLine) { scrollText(textLine); }
    });
    if (findingId !== undefined && findingId !== null) {
      var item = document.querySelector('li.finding[data-finding="' + findingId + '"]');
      if (item) { item.classList.add("lit"); }
    }
    if (first) { reveal(first, ".grid-box"); }
    return first;
  }

  // Scroll the nearest scrolling box holding el (never the window) so that el sits a third of the way down.
  function reveal(el, boxSelector) {
    var box = el.closest(boxSelector);
    if (!box) { return; }
    var offset = el.getBoundingClientRect().top - box.getBoundingClientRect().top;
    box.scrollTop = Math.max(0, box.scrollTop + offset - box.clientHeight / 3);
  }

  function scrollIntoPage(rect) {
    reveal(rect, ".pages");
    var pages = rect.closest(".pages");
    if (pages) {
      var offset = rect.getBoundingClientRect().left - pages.getBoundingClientRect().left;
      pages.scrollLeft = Math.max(0, pages.scrollLeft + offset - 16);
    }
  }

  function scrollText(line) { reveal(line, "pre"); }

  function showPart() {
    var line = document.querySelector("pre.numbered .line.in-part");
    if (!line) { return; }
    var pre = line.closest("pre");
    pre.scrollTop = Math.max(0, pre.scrollTop + line.getBoundingClientRect().top - pre.getBoundingClientRect().top - 8);
  }
  document.addEventListener("DOMContentLoaded", showPart);

  function selectRow(tr) {
    if (!tr) { return; }
    current = tr.getAttribute("data-row-key");
    var ids = (tr.getAttribute("data-findings") || "").split(" ").filter(Boolean);
    light([current], ids.length ? ids[0] : null);
  }

  function step(delta) {
    var all = rows();
    if (!all.length) { return; }
    var at = all.findIndex(function (tr) { return tr.getAttribute("data-row-key") === current; });
    var next = at < 0 ? (delta > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, at + delta));
    selectRow(all[next]);
  }

  function click(id) { var el = document.getElementById(id); if (el) { el.click(); } }

  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.ctrlKey || event.metaKey || event.altKey) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    if (event.key === "j") { step(1); }
    else if (event.key === "k") { step(-1); }
    else if (event.key === "n") { click("next-link"); if (!document.getElementById("next-link")) { window.location = "/next"; } }
    else if (event.key === "a") { click("accept-btn"); }
    else if (event.key === "u") { click("undo-btn"); }
    else { return; }
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var finding = event.target.closest("li.finding");
    if (finding && !event.target.closest("button")) {
      var key = finding.getAttribute("data-row-key");
      var id = finding.getAttribute("data-finding");
      var keys = key ? [key] : [];
      document.querySelectorAll('#grid tr.row').forEach(function (tr) {
        if ((tr.getAttribute("data-findings") || "").split(" ").indexOf(id) >= 0) { keys.push(tr.getAttribute("data-row-key")); }
      });
      var tr = light(keys, id);
      if (tr) { current = tr.getAttribute("data-row-key"); }
      return;
    }
    var row = event.target.closest("#grid tr.row");
    if (row) { selectRow(row); return; }
    var image = event.target.closest(".page-box");
    if (image) {
      zoomed = image.closest(".pages").classList.toggle("zoomed");
      var lit = document.querySelector("rect.box.lit");
      if (lit) { scrollIntoPage(lit); }
    }
  });

  document.addEventListener("htmx:afterSwap", function () {
    showPart();
    document.querySelectorAll(".pages").forEach(function (pages) { pages.classList.toggle("zoomed", zoomed); });
    if (current) {
      var tr = document.querySelector('#grid tr.row[data-row-key="' + CSS.escape(current) + '"]');
      if (tr) { selectRow(tr); }
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var flash = document.getElementById("flash");
    if (!flash) { return; }
    var xhr = event.detail.xhr;
    flash.textContent = (xhr.responseText || xhr.statusText || "request failed").slice(0, 400);
    flash.hidden = false;
    setTimeout(function () { flash.hidden = true; }, 8000);
  });
  document.addEventListener("htmx:sendError", function () {
    var flash = document.getElementById("flash");
    if (flash) { flash.textContent = "The review server does not answer (stopped?)"; flash.hidden = false; }
  });
})();
