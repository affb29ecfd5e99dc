// 办好 Banhao — questionnaire result charts (ECharts, vendored). Data come from the page's
// json_script block "survey-chart-data": [{code, text, labels, paper, online, total}].
"use strict";

(() => {
  const source = document.getElementById("survey-chart-data");
  if (!source || typeof window.echarts === "undefined") return;
  const questions = JSON.parse(source.textContent);
  questions.forEach((question) => {
    const element = document.querySelector(`[data-chart="${question.code}"]`);
    if (!element) return;
    const chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: ["纸质", "网上", "合计"] },
      grid: { left: 40, right: 16, bottom: 40, top: 36 },
      xAxis: { type: "category", data: question.labels, axisLabel: { interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "纸质", type: "bar", data: question.paper },
        { name: "网上", type: "bar", data: question.online },
        { name: "合计", type: "bar", data: question.total },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  });
})();
