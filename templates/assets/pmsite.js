/* pmsite: sort any table with class "sortable" by clicking a column header (anywhere in
   the header cell; the table may sit in a .pm-scroll wrapper that scrolls sideways).
   Tables read fine without it; cells may carry data-sort with a sortable value. */
(function () {
  "use strict";
  function value(cell) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) { raw = cell.textContent.trim(); }
    var number = parseFloat(raw.replace(/[, ]/g, ""));
    return (/^-?[\d, .]+%?$/.test(raw) && !isNaN(number)) ? number : raw.toLowerCase();
  }
  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a.cells[index] || a), y = value(b.cells[index] || b);
      if (x === y) { return 0; }
      var order = (typeof x === "number" && typeof y === "number") ? x - y : (x < y ? -1 : 1);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(header.parentNode.children, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  function setup() {
    document.querySelectorAll("table.sortable").forEach(function (table) {
      var head = table.tHead;
      if (!head || !head.rows.length || table.getAttribute("data-pm-sortable")) { return; }
      table.setAttribute("data-pm-sortable", "1");
      Array.prototype.forEach.call(head.rows[0].cells, function (th, index) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "pm-sort";
        button.textContent = th.textContent;
        th.textContent = "";
        th.appendChild(button);
        /* The whole header cell sorts, not only its text; a click on the button bubbles
           here, and Enter/Space on the focused button are clicks too. */
        th.addEventListener("click", function () { sortBy(table, index, th); });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
  /* Material's instant navigation swaps pages without a reload. */
  if (window.document$ && window.document$.subscribe) { window.document$.subscribe(setup); }
})();
