// Report pages: draw each chart with Chart.js from the JSON embedded in the page, let the user
// rearrange the charts (HTML5 drag and drop, or the "move" buttons of each chart's menu) and POST
// the new order so that it is remembered; a refused order snaps back.
(function () {
  "use strict";

  var PALETTE = ["#1d5fbf", "#e67e22", "#2e9d4f", "#8e6bd8", "#c0392b", "#2bb3a3", "#d89b2b", "#6b7785"];
  var charts = {};

  // Tooltips show every digit; axis ticks are compact ("150 k").
  function formatter(unit, compact) {
    var lang = document.documentElement.lang || "fr";
    var digits = unit === "amount" ? 2 : (unit === "percent" || unit === "days") ? 1 : 0;
    var options = compact
      ? { notation: "compact", maximumFractionDigits: 1 }
      : { minimumFractionDigits: digits, maximumFractionDigits: digits };
    var format = new Intl.NumberFormat(lang, options);
    return function (value) {
      if (value === null || value === undefined) return "";
      return format.format(value) + (unit === "percent" ? " %" : "");
    };
  }

  function ticks(unit) {
    return { callback: formatter(unit, true), precision: unit === "count" ? 0 : undefined };
  }

  function datasetFor(spec, source, index, firstUnit, isRound) {
    var colour = PALETTE[index % PALETTE.length];
    var dataset = { label: source.label, data: source.data, unit: source.unit };
    if (isRound) {
      dataset.backgroundColor = source.colours || source.data.map(function (_, i) { return PALETTE[i % PALETTE.length]; });
      return dataset;
    }
    dataset.backgroundColor = source.colours || colour;
    dataset.borderColor = source.colours ? source.colours : colour;
    if (source.unit !== firstUnit) {
      // A second unit (an amount beside counts, a rate beside counts): a line on its own axis.
      dataset.type = "line";
      dataset.yAxisID = "y1";
      dataset.backgroundColor = colour;
      dataset.borderColor = colour;
    } else if (spec.kind === "line") {
      dataset.fill = false;
      dataset.tension = 0.2;
    }
    return dataset;
  }

  function draw(canvas, spec) {
    if (!window.Chart) return;
    var isRound = spec.kind === "doughnut";
    var firstUnit = spec.datasets.length ? spec.datasets[0].unit : "count";
    var datasets = spec.datasets.map(function (source, index) {
      return datasetFor(spec, source, index, firstUnit, isRound);
    });
    var hasSecondAxis = datasets.some(function (dataset) { return dataset.yAxisID === "y1"; });
    var valueAxis = spec.horizontal ? "x" : "y";
    var scales = {};
    if (!isRound) {
      scales[valueAxis] = { beginAtZero: true, ticks: ticks(firstUnit) };
      if (hasSecondAxis) {
        var second = spec.datasets.filter(function (d) { return d.unit !== firstUnit; })[0];
        scales.y1 = { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: ticks(second.unit) };
      }
    }
    charts[canvas.getAttribute("data-chart-canvas")] = new window.Chart(canvas, {
      type: spec.kind === "funnel" ? "bar" : spec.kind,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? "y" : "x",
        scales: scales,
        plugins: {
          legend: { display: isRound || datasets.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (context) {
                var value = context.raw;
                var name = isRound ? context.label : context.dataset.label;
                return name + ": " + formatter(context.dataset.unit)(value);
              }
            }
          }
        }
      }
    });
  }

  function drawAll() {
    var data = document.getElementById("report-charts");
    if (!data) return;
    var specs = JSON.parse(data.textContent);
    document.querySelectorAll("canvas[data-chart-canvas]").forEach(function (canvas) {
      var spec = specs[canvas.getAttribute("data-chart-canvas")];
      if (spec) draw(canvas, spec);
    });
  }

  function setupLayout(grid) {
    var message = document.querySelector(".layout-message");
    var dragged = null;
    var before = [];

    function order() {
      return Array.prototype.map.call(grid.querySelectorAll(".chart-card"), function (card) {
        return card.getAttribute("data-chart");
      });
    }

    function restore(keys) {
      keys.forEach(function (key) {
        var card = grid.querySelector('.chart-card[data-chart="' + key + '"]');
        if (card) grid.appendChild(card);
      });
    }

    function save(previous) {
      var keys = order();
      if (keys.join() === previous.join()) return;
      if (message) message.hidden = true;
      fetch(grid.getAttribute("data-layout-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRFToken": grid.getAttribute("data-csrf-token")
        },
        body: JSON.stringify({ charts: keys })
      })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            if (!response.ok) throw new Error(body.error || "");
          });
        })
        .catch(function (error) {
          restore(previous);
          if (message) {
            message.textContent = error.message || grid.getAttribute("data-error-message");
            message.hidden = false;
          }
        });
    }

    grid.addEventListener("dragstart", function (event) {
      dragged = event.target.closest(".chart-card");
      if (!dragged) return;
      before = order();
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.getAttribute("data-chart"));
    });

    grid.addEventListener("dragover", function (event) {
      if (!dragged) return;
      event.preventDefault();
      var target = event.target.closest(".chart-card");
      if (!target || target === dragged) return;
      var box = target.getBoundingClientRect();
      var after = (event.clientY - box.top) > box.height / 2 ||
        ((event.clientY - box.top) > box.height / 4 && (event.clientX - box.left) > box.width / 2);
      grid.insertBefore(dragged, after ? target.nextSibling : target);
    });

    grid.addEventListener("drop", function (event) { event.preventDefault(); });

    grid.addEventListener("dragend", function () {
      if (!dragged) return;
      dragged.classList.remove("dragging");
      dragged = null;
      save(before);
    });

    grid.addEventListener("click", function (event) {
      var move = event.target.closest("[data-move]");
      if (move) {
        var card = move.closest(".chart-card");
        var previous = order();
        var step = Number(move.getAttribute("data-move"));
        var sibling = step < 0 ? card.previousElementSibling : card.nextElementSibling;
        if (sibling) grid.insertBefore(card, step < 0 ? sibling : sibling.nextSibling);
        move.closest("details").open = false;
        save(previous);
        return;
      }
      var toggle = event.target.closest("[data-toggle-legend]");
      if (toggle) {
        var chart = charts[toggle.closest(".chart-card").getAttribute("data-chart")];
        if (chart) {
          chart.options.plugins.legend.display = !chart.options.plugins.legend.display;
          chart.update();
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawAll();
    var grid = document.querySelector(".chart-grid[data-layout-url]");
    if (grid) setupLayout(grid);
  });
})();
