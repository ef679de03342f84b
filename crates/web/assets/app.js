// Ingot's own script: small enhancements on top of server-rendered pages. Every page works
// without it. No inline scripts anywhere (the Content-Security-Policy forbids them).
(function () {
  "use strict";

  // Charts: a <canvas data-chart="id-of-json-script"> is drawn with Chart.js from the JSON data
  // in the referenced <script type="application/json"> element.
  function drawCharts(root) {
    if (typeof window.Chart === "undefined") return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      canvas.dataset.drawn = "1";
      var palette = ["#b3261e", "#0b4a9e", "#1a7f37", "#9a6700"];
      // Several series (spec.datasets) or one (spec.values).
      var datasets = spec.datasets
        ? spec.datasets.map(function (d, i) { return { label: d.label, data: d.data, backgroundColor: palette[i % palette.length] }; })
        : [{ label: spec.label, data: spec.values, backgroundColor: spec.colors || "#b3261e",
            borderColor: spec.type === "line" ? "#b3261e" : undefined, fill: false, tension: 0.25 }];
      var chart = new window.Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: datasets },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          plugins: { legend: { display: spec.type === "doughnut" || !!spec.datasets } },
          scales: spec.type === "doughnut" ? {} : { y: { beginAtZero: true, ticks: { precision: 0 } } },
          onClick: function (_, elements) {
            // Every figure leads to the records behind it.
            if (elements.length && spec.links && spec.links[elements[0].index]) {
              window.location.href = spec.links[elements[0].index];
            }
          }
        }
      });
      canvas.setAttribute("aria-label", spec.label);
      return chart;
    });
  }

  // Forms that need a confirmation carry data-confirm="question".
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);

  // Selects with data-autosubmit submit their form when changed (the language switcher).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.dataset && el.dataset.autosubmit !== undefined && el.form) el.form.requestSubmit();
  });

  // Tree nodes: the first click loads the children (htmx); later clicks fold and unfold them
  // without asking the server again.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var button = event.detail.elt;
    if (!button.classList || !button.classList.contains("toggle")) return;
    var list = button.closest("li").querySelector(":scope > ul");
    if (list && list.children.length) {
      event.preventDefault();
      var open = button.getAttribute("aria-expanded") === "true";
      list.hidden = open;
      button.setAttribute("aria-expanded", open ? "false" : "true");
      button.textContent = open ? "+" : "−";
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var list = event.detail.target;
    var button = list && list.parentElement && list.parentElement.querySelector(":scope > .node > .toggle");
    if (button) {
      button.setAttribute("aria-expanded", "true");
      button.textContent = "−";
    }
  });

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawCharts(event.target); });
})();
