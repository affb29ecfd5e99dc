// 好差评 monthly publication charts (ECharts 5.6.0, vendored). Data comes from the
// json_script element "feedback-chart-data" rendered by the page; nothing inline (CSP).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("feedback-chart-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var departments = document.getElementById("chart-departments");
    if (departments && data.departments.length) {
      echarts.init(departments).setOption({
        title: { text: "各部门好评率与差评整改率（%）", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { top: 24, data: ["好评率", "差评整改率"] },
        grid: { top: 60, left: 40, right: 16, bottom: 80 },
        xAxis: { type: "category", data: data.departments, axisLabel: { rotate: 30, interval: 0 } },
        yAxis: { type: "value", min: 0, max: 100 },
        series: [
          { name: "好评率", type: "bar", data: data.goodRates, itemStyle: { color: "#2e7d32" } },
          { name: "差评整改率", type: "bar", data: data.rectificationRates, itemStyle: { color: "#b71c1c" } }
        ]
      });
    }
    var levels = document.getElementById("chart-levels");
    if (levels) {
      echarts.init(levels).setOption({
        title: { text: "满意度分布", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "item" },
        series: [{
          type: "pie", radius: ["35%", "65%"], top: 30,
          data: data.levels.map(function (name, i) { return { name: name, value: data.levelCounts[i] }; })
        }]
      });
    }
  });
})();
