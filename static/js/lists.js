// Record lists: "select all" of the page and the count of selected rows in the bulk bar.
(function () {
  "use strict";

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("input.row-select"));
  }

  function refresh() {
    var bar = document.getElementById("bulk-form");
    if (!bar) return;
    var checked = rows().filter(function (box) { return box.checked; }).length;
    var count = bar.querySelector(".bulk-count");
    bar.classList.toggle("has-selection", checked > 0);
    if (count && checked > 0) {
      count.textContent = count.getAttribute("data-template") + " " + checked;
    } else if (count) {
      count.textContent = count.getAttribute("data-empty") || count.textContent;
    }
    var all = document.querySelector("input.select-all");
    if (all) {
      all.checked = checked > 0 && checked === rows().length;
      all.indeterminate = checked > 0 && checked < rows().length;
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("input.select-all")) {
      rows().forEach(function (box) { box.checked = event.target.checked; });
    }
    if (event.target.matches("input.select-all, input.row-select")) refresh();
  });

  // Nothing selected: say so instead of posting an empty selection.
  document.addEventListener("submit", function (event) {
    if (event.target.id !== "bulk-form") return;
    if (event.submitter && event.submitter.name === "take") return;  // a row's own button
    if (!rows().some(function (box) { return box.checked; })) {
      event.preventDefault();
      var count = event.target.querySelector(".bulk-count");
      if (count) count.classList.add("attention");
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var count = document.querySelector("#bulk-form .bulk-count");
    if (count) count.setAttribute("data-empty", count.textContent);
    refresh();
  });
  document.addEventListener("htmx:afterSwap", refresh);
})();
