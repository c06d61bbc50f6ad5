/* global document, window, console */
// Progressive enhancement of charts drawn on the server (src/views/charts.njk): each figure with
// data-chart-option gets an interactive ECharts chart (tooltips) in place of its SVG. The data table
// stays. If ECharts cannot be loaded or a chart fails to draw, the server's SVG simply remains.

const figures = [...document.querySelectorAll("figure[data-chart-option]")];

if (figures.length > 0) {
  loadEcharts().then(
    (echarts) => figures.forEach((figure) => enhance(echarts, figure)),
    () => {
      // Nothing to do: the server-drawn SVG is already on the page.
    },
  );
}

/** ECharts' UMD build, loaded by a script element (it defines window.echarts). */
function loadEcharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/assets/echarts.min.js";
    script.addEventListener("load", () =>
      window.echarts ? resolve(window.echarts) : reject(new Error("ECharts did not define window.echarts")),
    );
    script.addEventListener("error", () => reject(new Error("ECharts could not be loaded")));
    document.head.append(script);
  });
}

function enhance(echarts, figure) {
  const image = figure.querySelector("[data-chart-image]");
  const svg = image?.querySelector("svg");
  const data = document.getElementById(figure.dataset.chartOption);
  if (!image || !svg || !data) return;
  const container = document.createElement("div");
  try {
    const option = JSON.parse(data.textContent);
    const height = Number(svg.getAttribute("height")) || svg.getBoundingClientRect().height;
    container.setAttribute("role", "img");
    container.setAttribute("aria-label", svg.getAttribute("aria-label") ?? "");
    // Set through the CSSOM, which the Content-Security-Policy allows (style attributes it does not).
    container.style.width = "100%";
    container.style.height = `${height}px`;
    image.append(container);
    const chart = echarts.init(container, null, { renderer: "svg" });
    // Formatters are functions, which the JSON cannot carry: tooltips get en-GB numbers here.
    const tooltip = option.tooltip && { ...option.tooltip, valueFormatter: formatValue };
    chart.setOption({
      textStyle: { fontFamily: "system-ui, sans-serif", fontSize: 14 },
      ...option,
      ...(tooltip ? { tooltip } : {}),
    });
    svg.remove();
    window.addEventListener("resize", () => chart.resize());
  } catch (error) {
    container.remove();
    console.error("Chart left as a static image:", error);
  }
}

const numberFormat = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });

function formatValue(value) {
  if (value === null || value === undefined || value === "-") return "no figure";
  return Array.isArray(value) ? value.map(formatValue).join(", ") : numberFormat.format(value);
}
