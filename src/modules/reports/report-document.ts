/** The quarterly report as document blocks, for lib/documents to write as PDF and DOCX. */
import type { ChartTable } from "../../charts/table.js";
import type { DocumentBlock } from "../../lib/documents.js";
import { formatDate } from "../../lib/render.js";
import { paragraphsOf } from "./reports.schema.js";
import type { QuarterlyReport } from "./reports.service.js";

function tableBlock(table: ChartTable): DocumentBlock {
  return {
    kind: "table",
    caption: table.caption,
    head: table.head.map((cell) => cell.text),
    rows: table.rows.map((row) => row.map((cell) => cell.text)),
  };
}

export function reportTitle(report: Pick<QuarterlyReport, "period">): string {
  return `Quarterly performance report – ${report.period}`;
}

export function reportBlocks(report: QuarterlyReport): DocumentBlock[] {
  const blocks: DocumentBlock[] = [
    { kind: "title", text: reportTitle(report) },
    { kind: "text", text: `${report.months}. Registers and trackers as at ${formatDate(report.asOf)}.` },
    {
      kind: "text",
      text:
        report.status === "published"
          ? `Published ${formatDate(report.publishedAt)}.`
          : "DRAFT: not yet published.",
    },
  ];
  for (const section of report.sections) {
    blocks.push({ kind: "heading", text: `${section.number}. ${section.title}` });
    if (section.narrative) {
      blocks.push({ kind: "subheading", text: "Commentary" });
      for (const paragraph of paragraphsOf(section.narrative)) blocks.push({ kind: "text", text: paragraph });
    }
    for (const note of section.notes) blocks.push({ kind: "text", text: note });
    for (const figure of section.figures) {
      blocks.push({ kind: "subheading", text: figure.title });
      for (const statement of figure.statements) blocks.push({ kind: "text", text: statement });
      for (const caution of figure.cautions) blocks.push({ kind: "text", text: `Caution: ${caution}` });
      blocks.push({ kind: "text", text: `Definition: ${figure.definition}. Source: ${figure.source}.` });
      if (figure.table.rows.length > 0) blocks.push(tableBlock(figure.table));
    }
  }
  return blocks;
}
