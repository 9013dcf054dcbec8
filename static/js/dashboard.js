// Dashboards and reports (no inline script: strict CSP).
//
// Charts: each <canvas data-chart="bar|line|doughnut" data-source="ID"> draws the
// JSON in <script type="application/json" id="ID"> (Django's json_script), shaped
// {labels: [...], datasets: [{label, data}]}. data-stacked="true" stacks the
// datasets; data-horizontal="true" lays bars sideways. Every chart sits beside
// a table or list with the same figures, for people who cannot see it.
//
// Progress: an element with data-report-status="URL" polls that JSON endpoint
// (the board report's status) and updates the <progress> and text inside it,
// then shows the download links when the report is ready.
(function () {
  "use strict";

  var PALETTE = ["#4a1f6f", "#146c43", "#8a4b00", "#0d6efd", "#b02a37", "#495057", "#6f42c1", "#0f766e", "#9a3412", "#1e3a8a", "#854d0e"];

  function drawChart(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-source"));
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var type = canvas.getAttribute("data-chart") || "bar";
    var stacked = canvas.getAttribute("data-stacked") === "true";
    var horizontal = canvas.getAttribute("data-horizontal") === "true";
    data.datasets.forEach(function (dataset, index) {
      dataset.data = dataset.data.map(Number); // money arrives as exact strings
      if (type === "doughnut" || type === "pie") {
        dataset.backgroundColor = data.labels.map(function (_, i) { return PALETTE[i % PALETTE.length]; });
      } else {
        dataset.backgroundColor = PALETTE[index % PALETTE.length];
        dataset.borderColor = PALETTE[index % PALETTE.length];
      }
    });
    var round = type === "doughnut" || type === "pie";
    // Counts tick in whole numbers (never 0.5 of a child); the value axis keeps
    // headroom above the tallest bar so no bar touches or leaves the top.
    var counts = canvas.getAttribute("data-money") !== "true";
    // The value axis says what it counts: the chart's own unit, or its one dataset's name.
    var unit = canvas.getAttribute("data-unit") || (data.datasets.length === 1 ? data.datasets[0].label : "");
    var valueAxis = { beginAtZero: true, stacked: stacked, grace: "10%", ticks: counts ? { precision: 0 } : {} };
    if (unit) {
      valueAxis.title = { display: true, text: unit };
    }
    var categoryAxis = { stacked: stacked, ticks: { autoSkip: false } };
    new Chart(canvas, {
      type: type,
      data: data,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: horizontal ? "y" : "x",
        plugins: { legend: { display: data.datasets.length > 1 || round } },
        scales: round ? {} : {
          x: horizontal ? valueAxis : categoryAxis,
          y: horizontal ? categoryAxis : valueAxis
        }
      }
    });
  }

  function pollReport(box) {
    var url = box.getAttribute("data-report-status");
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-report-step]");
    var downloads = document.querySelector("[data-report-downloads]");
    var delay = 1000;

    function show(state) {
      if (bar) {
        bar.value = state.progress;
        bar.textContent = state.progress + "%";
      }
      if (text) {
        text.textContent = state.label + ": " + state.step + " (" + state.progress + "%)";
      }
      if (state.finished) {
        if (state.status === "done" && downloads) {
          downloads.querySelector("[data-download-pdf]").setAttribute("href", state.pdf);
          downloads.querySelector("[data-download-xlsx]").setAttribute("href", state.xlsx);
          downloads.hidden = false;
        }
        if (state.status === "failed") {
          window.location.reload();
        }
        return;
      }
      window.setTimeout(check, delay);
      delay = Math.min(delay * 1.5, 5000);
    }

    function check() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) { if (state) { show(state); } })
        .catch(function () { window.setTimeout(check, 5000); });
    }

    check();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(drawChart);
    document.querySelectorAll("[data-report-status]").forEach(pollReport);
  });
})();
