// The site's charts (Chart.js), drawn from data the page embeds with Django's json_script,
// so that no page needs an inline script (Content-Security-Policy: script-src 'self').
// A canvas names its chart, the id of its data and its translated series labels:
//   <canvas data-chart="kpi-grades" data-chart-data="grade-data" data-label-actual="…">
// Load Chart.js before this file. Panels of one page may each include both: it runs once.
(function () {
  "use strict";
  if (window.opsCharts) return;

  const bottomLegend = { legend: { position: "bottom" } };
  const noLegend = { legend: { display: false } };
  const wholeNumbers = { beginAtZero: true, ticks: { precision: 0 } };

  function stacked(series) {
    return {
      type: "bar",
      data: { labels: series.labels, datasets: series.datasets },
      options: { responsive: true, scales: { x: { stacked: true }, y: { stacked: true, ...wholeNumbers } } },
    };
  }

  // name → (data, labels) → Chart.js configuration
  const charts = {
    "content-output": (d, l) => ({
      type: "bar",
      data: { labels: d.labels, datasets: [{ label: l.labelPublished, data: d.published }] },
      options: { animation: false, responsive: true, plugins: noLegend, scales: { y: wholeNumbers } },
    }),
    "campaign-states": (d, l) => ({
      type: "bar",
      data: { labels: d.states, datasets: [{ label: l.labelCampaigns, data: d.counts }] },
      options: { animation: false, indexAxis: "y", plugins: noLegend, scales: { x: wholeNumbers } },
    }),
    "campaign-money": (d, l) => ({
      type: "bar",
      data: {
        labels: d.departments,
        datasets: [
          { label: l.labelBudget, data: d.budget },
          { label: l.labelSpent, data: d.spent },
        ],
      },
      options: { animation: false, plugins: bottomLegend, scales: { y: { beginAtZero: true } } },
    }),
    "campaign-departments": (d, l) => ({
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          { label: l.labelBudget, data: d.budget, backgroundColor: "rgba(13,110,253,.35)" },
          { label: l.labelSpent, data: d.spent, backgroundColor: "rgba(220,53,69,.7)" },
        ],
      },
      options: { animation: false, maintainAspectRatio: false, plugins: bottomLegend },
    }),
    "campaign-budget": (d, l) => ({
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          { label: l.labelPlanned, data: d.planned, backgroundColor: "rgba(13,110,253,.35)" },
          { label: l.labelSpent, data: d.spent, backgroundColor: "rgba(220,53,69,.7)" },
        ],
      },
      options: { indexAxis: "y", animation: false, plugins: bottomLegend },
    }),
    "campaign-metrics": (d, l) => ({
      type: "line",
      data: {
        labels: d.labels,
        datasets: [
          { label: l.labelImpressions, data: d.impressions, yAxisID: "y" },
          { label: l.labelClicks, data: d.clicks, yAxisID: "y1" },
          { label: l.labelConversions, data: d.conversions, yAxisID: "y1" },
        ],
      },
      options: {
        animation: false,
        plugins: bottomLegend,
        scales: { y: { position: "left" }, y1: { position: "right", grid: { drawOnChartArea: false } } },
      },
    }),
    "complaint-category": (d) => stacked(d.category),
    "complaint-channel": (d) => stacked(d.channel),
    "complaint-satisfaction": (d, l) => ({
      type: "bar",
      data: { labels: d.satisfaction.labels, datasets: [{ label: l.labelRatings, data: d.satisfaction.data }] },
      options: { scales: { y: wholeNumbers } },
    }),
    "kpi-grades": (rows, l) => ({
      type: "bar",
      data: {
        labels: rows.map((r) => r.grade),
        datasets: [
          { label: l.labelActual, data: rows.map((r) => r.pct) },
          { label: l.labelGuide, data: rows.map((r) => r.guide) },
        ],
      },
      options: { animation: false, scales: { y: { beginAtZero: true, max: 100 } } },
    }),
    "training-completion": (d, l) => ({
      data: {
        labels: d.labels,
        datasets: [
          { type: "bar", label: l.labelHours, data: d.hours, yAxisID: "y" },
          { type: "line", label: l.labelAttendance, data: d.rate, yAxisID: "y1", spanGaps: false },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        plugins: bottomLegend,
        scales: {
          y: { beginAtZero: true },
          y1: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } },
        },
      },
    }),
    "training-plan": (d, l) => ({
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          { label: l.labelBudget, data: d.budget },
          { label: l.labelSpend, data: d.spend },
        ],
      },
      options: { animation: false, responsive: true, plugins: bottomLegend },
    }),
  };

  function dataOf(canvas) {
    const source = document.getElementById(canvas.dataset.chartData);
    return source ? JSON.parse(source.textContent) : null;
  }

  function draw(root) {
    if (!window.Chart || !root.querySelectorAll) return;
    root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      const build = charts[canvas.dataset.chart];
      const data = dataOf(canvas);
      if (!build || data === null || window.Chart.getChart(canvas)) return;
      new window.Chart(canvas, build(data, canvas.dataset));
    });
  }

  window.opsCharts = { draw };
  // First load, then any fragment htmx swaps in.
  document.addEventListener("DOMContentLoaded", () => draw(document));
  document.addEventListener("htmx:load", (event) => draw(event.detail.elt));
})();
