import { createHash } from "node:crypto";
import * as echarts from "echarts";

export type ChartOption = echarts.EChartsCoreOption;

export interface ChartSize {
  width: number;
  height: number;
}

/** The project's palette: GOV.UK colours with enough contrast on white for lines and marks (WCAG 1.4.11). */
export const chartColours = {
  value: "#1d70b8",
  mean: "#0b0c0c",
  limit: "#505a5f",
  target: "#f47738",
  concern: "#d4351c",
  improvement: "#00703c",
  neutral: "#4c2c92",
} as const;

/**
 * Renders a chart to an SVG string on the server, so it shows without JavaScript and can go into documents.
 * The SVG is made to satisfy a strict Content-Security-Policy (no <style> elements, no style attributes: their
 * declarations become SVG presentation attributes) and carries its text alternative as role="img" + aria-label.
 *
 * Drawing takes tens to hundreds of milliseconds while the figures behind a chart rarely change, so drawings
 * are kept by everything that shapes them (option, size, description): any change of figure draws afresh.
 */
export function renderSvgChart(option: ChartOption, size: ChartSize, description: string): string {
  const key = drawingKey(option, size, description);
  const known = key === null ? undefined : drawings.get(key);
  if (known !== undefined) return known;
  const svg = drawSvgChart(option, size, description);
  if (key !== null) {
    if (drawings.size >= DRAWINGS_KEPT) drawings.delete(drawings.keys().next().value as string);
    drawings.set(key, svg);
  }
  return svg;
}

const drawings = new Map<string, string>();
const DRAWINGS_KEPT = 500;

/**
 * A digest of everything that shapes the drawing (an option's text runs to tens of kilobytes; the digest keeps
 * the memory to the drawings themselves). Null when the option holds a function (a formatter closure), which
 * text cannot tell apart.
 */
function drawingKey(option: ChartOption, size: ChartSize, description: string): string | null {
  let hasFunction = false;
  const text = JSON.stringify([option, size, description], (_name, value: unknown) => {
    if (typeof value === "function") hasFunction = true;
    return value;
  });
  return hasFunction ? null : createHash("sha256").update(text).digest("base64");
}

function drawSvgChart(option: ChartOption, size: ChartSize, description: string): string {
  const chart = echarts.init(null, null, {
    renderer: "svg",
    ssr: true,
    width: size.width,
    height: size.height,
  });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: "system-ui, sans-serif", fontSize: 14 },
      ...option,
    });
    return strictCspSvg(chart.renderToSVGString(), description);
  } finally {
    chart.dispose();
  }
}

/** Moves inline styles into presentation attributes and drops the hover-only <style> block. */
export function strictCspSvg(svg: string, description: string): string {
  return svg
    .replace(/<style[^>]*>[\s\S]*?<\/style>/g, "")
    .replace(/ style="([^"]*)"/g, (_match, declarations: string) =>
      declarations
        .split(";")
        .map((declaration) => declaration.split(":").map((part) => part.trim()))
        .filter(
          (parts): parts is [string, string] =>
            parts.length === 2 && /^[a-z-]+$/.test(parts[0]!) && parts[1] !== "",
        )
        .map(([name, value]) => ` ${name}="${value.replace(/"/g, "&quot;")}"`)
        .join(""),
    )
    .replace(/ class="zr\d+-cls-\d+"/g, "")
    .replace(/^<svg /, `<svg role="img" aria-label="${escapeAttribute(description)}" focusable="false" `);
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}
