// The console's charts (Chart.js). Each <canvas data-chart="..."> names its kind and the json_script element
// holding its data; labels come from the page (data-label...), so they follow the console's language.
const COLORS = ["#2f54eb", "#16a34a", "#d97706", "#dc2626", "#6b7280", "#7c3aed", "#0891b2", "#be185d"];
const data = (canvas) => JSON.parse(document.getElementById(canvas.dataset.source).textContent);
const quiet = {animation: false, plugins: {legend: {display: false}}, scales: {y: {beginAtZero: true}}};
const draw = {
  "sales-by-day": (canvas, rows) => new Chart(canvas, {type: "line", data: {labels: rows.map((d) => d.date.slice(5)),
    datasets: [{label: canvas.dataset.label, data: rows.map((d) => d.sales_fen / 100), borderColor: COLORS[0],
      backgroundColor: "rgba(47,84,235,.12)", fill: true, tension: 0.3}]}, options: quiet}),
  "earnings-by-day": (canvas, rows) => new Chart(canvas, {type: "bar", data: {labels: rows.map((d) => d.date.slice(5)),
    datasets: [{label: canvas.dataset.label, data: rows.map((d) => d.amount_fen / 100), backgroundColor: COLORS[0]}]},
    options: quiet}),
  "simulation-by-distributor": (canvas, rows) => new Chart(canvas, {type: "bar", data: {labels: rows.map((r) => r[0]),
    datasets: [{label: canvas.dataset.labelCurrent, data: rows.map((r) => r[1] / 100), backgroundColor: "#c7d2fe"},
      {label: canvas.dataset.labelDraft, data: rows.map((r) => r[2] / 100), backgroundColor: COLORS[0]}]},
    options: {animation: false, plugins: {legend: {position: "bottom"}}}}),
  "signups-by-day": (canvas, all) => new Chart(canvas, {type: "bar", data: {
    labels: all.signups.map((d) => d.date.slice(5)), datasets: [{label: canvas.dataset.label,
      data: all.signups.map((d) => d.count), backgroundColor: COLORS[0]}]},
    options: {...quiet, aspectRatio: 2, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}}),
  "doughnut": (canvas, all) => {
    const rows = all[canvas.dataset.key];
    if (!rows.length) {
      const empty = document.createElement("p");
      empty.className = "muted";
      empty.textContent = canvas.dataset.empty;
      canvas.replaceWith(empty);
      return;
    }
    new Chart(canvas, {type: "doughnut", data: {labels: rows.map((r) => r.label),
      datasets: [{data: rows.map((r) => r.value), backgroundColor: COLORS}]}, options: {animation: false, aspectRatio: 2}});
  },
};
document.querySelectorAll("canvas[data-chart]").forEach((canvas) => draw[canvas.dataset.chart](canvas, data(canvas)));
