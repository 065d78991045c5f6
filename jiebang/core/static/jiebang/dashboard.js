// 统计分析: draws each [data-chart] container with ECharts from the JSON block
// #chart-<name>-data (written by Django's json_script). No inline script, CSP friendly.
(function () {
  "use strict";
  if (!window.echarts) return;

  const COLORS = ["#1f4e8c", "#2f9e6e", "#f0a030", "#5b8ff9", "#d9534f", "#8e6cc1", "#17a2b8", "#6c757d"];
  const GRID = { left: 8, right: 16, top: 40, bottom: 8, containLabel: true };

  function payload(name) {
    const node = document.getElementById("chart-" + name + "-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function categoryAxis(categories) {
    return {
      type: "category",
      data: categories,
      axisLabel: { interval: 0, rotate: categories.length > 5 ? 30 : 0 },
    };
  }

  const builders = {
    funnel: function (d) {
      const max = Math.max(1, ...d.data.map(function (x) { return x.value; }));
      return {
        tooltip: { trigger: "item", formatter: "{b}：{c} 项" },
        legend: { bottom: 0 },
        series: [{
          name: d.title, type: "funnel", sort: "none", min: 0, max: max,
          left: "10%", width: "80%", top: 8, bottom: 40, minSize: "8%", gap: 2,
          label: { show: true, position: "inside", color: "#fff", formatter: "{b}  {c}" },
          data: d.data,
        }],
      };
    },
    category: function (d) {
      return {
        tooltip: { trigger: "item", formatter: "{b}：{c} 项（{d}%）" },
        legend: { bottom: 0 },
        series: [{
          name: d.title, type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
          label: { formatter: "{b}\n{c} 项" }, data: d.data,
        }],
      };
    },
    industry: function (d) { return bars(d, false); },
    // Districts have long two-part names (新市区（高新区）): horizontal bars keep them legible.
    district: function (d) { return bars(d, true); },
    money: function (d) {
      return {
        title: { text: "撬动比 " + d.leverage, right: 0, top: 0, textStyle: { fontSize: 13, fontWeight: "normal" } },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v + " " + d.unit; } },
        grid: GRID,
        xAxis: categoryAxis(d.categories),
        yAxis: { type: "value", name: d.unit },
        series: [{
          name: "金额", type: "bar", barMaxWidth: 56, data: d.values,
          colorBy: "data", label: { show: true, position: "top", formatter: "{c}" },
        }],
      };
    },
    hourly: function (d) {
      return {
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v + " 项"; } },
        grid: GRID,
        xAxis: { type: "category", data: d.categories, boundaryGap: false, axisLabel: { rotate: 30 } },
        yAxis: { type: "value", minInterval: 1, name: "项" },
        series: [{ name: "提交数", type: "line", areaStyle: { opacity: 0.15 }, data: d.values }],
      };
    },
    review: function (d) {
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: GRID,
        xAxis: { type: "value", minInterval: 1, name: "分配数" },
        yAxis: { type: "category", data: d.categories },
        series: d.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "assignments", barMaxWidth: 28, label: { show: true, formatter: function (p) { return p.value || ""; } }, data: s.data };
        }),
      };
    },
  };

  function bars(d, horizontal) {
    const categories = horizontal ? { type: "category", data: d.categories, inverse: true } : categoryAxis(d.categories);
    const values = { type: "value", minInterval: 1, name: "项" };
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: GRID,
      xAxis: horizontal ? values : categories,
      yAxis: horizontal ? categories : values,
      series: d.series.map(function (s) { return { name: s.name, type: "bar", barMaxWidth: horizontal ? 12 : 24, data: s.data }; }),
    };
  }

  const charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    const name = el.dataset.chart;
    const data = payload(name);
    const build = builders[name];
    if (!data || !build) return;
    if (name === "district" && data.categories.length > 8) {
      el.style.height = 80 + data.categories.length * 30 + "px";  // room for every district
    }
    const chart = window.echarts.init(el, null, { renderer: "svg", locale: "ZH" });
    const option = build(data);
    option.color = COLORS;
    // Tooltips drawn by ECharts itself, not as HTML: its HTML tooltips carry style=""
    // attributes, which the Content-Security-Policy (style-src 'self') refuses.
    if (option.tooltip) Object.assign(option.tooltip, { renderMode: "richText", confine: true });
    option.textStyle = { fontFamily: "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif" };
    chart.setOption(option);
    el.dataset.rendered = "1";
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
