// Monitoring charts (Chart.js, vendored). Each <canvas data-chart="bar|doughnut|line"
// data-source="ID"> draws the JSON in <script type="application/json" id="ID">
// (written by Django's json_script), shaped {labels: [...], datasets: [{label, data}]}.
// Every chart sits beside a table with the same figures, for people who cannot see it.
(function () {
  "use strict";

  var PALETTE = ["#4a1f6f", "#146c43", "#8a4b00", "#0d6efd", "#b02a37", "#495057", "#6f42c1", "#20c997", "#fd7e14", "#0dcaf0"];

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-source"));
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var type = canvas.getAttribute("data-chart") || "bar";
    data.datasets.forEach(function (dataset, index) {
      dataset.data = dataset.data.map(Number); // amounts of money arrive as exact strings
      if (type === "doughnut" || type === "pie") {
        dataset.backgroundColor = data.labels.map(function (_, i) { return PALETTE[i % PALETTE.length]; });
      } else {
        dataset.backgroundColor = PALETTE[index % PALETTE.length];
        dataset.borderColor = PALETTE[index % PALETTE.length];
      }
    });
    var horizontal = canvas.getAttribute("data-horizontal") === "true";
    new Chart(canvas, {
      type: type,
      data: data,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: horizontal ? "y" : "x",
        plugins: { legend: { display: data.datasets.length > 1 || type === "doughnut" } },
        scales: type === "doughnut" || type === "pie" ? {} : { x: { beginAtZero: true }, y: { beginAtZero: true } }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
