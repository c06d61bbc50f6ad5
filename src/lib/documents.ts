/**
 * Documents generated without a browser: an outline of blocks (title, headings, paragraphs, bullets and
 * tables of figures) written out as PDF (pdfkit) or Word (docx). Pages build the outline; this writes it.
 */
import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import PDFDocument from "pdfkit";

export type DocumentBlock =
  | { kind: "title"; text: string }
  | { kind: "heading"; text: string }
  | { kind: "subheading"; text: string }
  | { kind: "text"; text: string }
  | { kind: "bullet"; text: string; level: number }
  | { kind: "table"; caption: string; head: string[]; rows: string[][] };

export function renderPdf(title: string, blocks: readonly DocumentBlock[]): Promise<Buffer> {
  const pdf = new PDFDocument({ size: "A4", margin: 56, info: { Title: title } });
  const chunks: Buffer[] = [];
  pdf.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    pdf.on("end", () => resolve(Buffer.concat(chunks)));
    pdf.on("error", reject);
  });
  for (const block of blocks) {
    switch (block.kind) {
      case "title":
        pdf.font("Helvetica-Bold").fontSize(16).text(block.text).moveDown(0.5);
        break;
      case "heading":
        pdf.moveDown(0.5).font("Helvetica-Bold").fontSize(13).text(block.text).moveDown(0.3);
        break;
      case "subheading":
        pdf.moveDown(0.3).font("Helvetica-Bold").fontSize(11).text(block.text);
        break;
      case "bullet":
        pdf
          .font("Helvetica")
          .fontSize(11)
          .text(`•  ${block.text}`, { indent: 14 * (block.level + 1) });
        break;
      case "text":
        pdf.font("Helvetica").fontSize(11).text(block.text).moveDown(0.3);
        break;
      case "table":
        pdf.font("Helvetica-Oblique").fontSize(10).text(block.caption).moveDown(0.2);
        pdf.font("Helvetica").fontSize(9);
        pdf.table({
          data: [
            block.head.map((text) => ({ text, type: "TH" as const, font: { family: "Helvetica-Bold" } })),
            ...block.rows,
          ],
        });
        pdf.x = pdf.page.margins.left;
        pdf.moveDown(0.5);
        break;
    }
  }
  pdf.end();
  return finished;
}

export function renderDocx(title: string, blocks: readonly DocumentBlock[]): Promise<Buffer> {
  const children = blocks.flatMap((block): (Paragraph | Table)[] => {
    switch (block.kind) {
      case "title":
        return [
          new Paragraph({ text: block.text, heading: HeadingLevel.TITLE, alignment: AlignmentType.LEFT }),
        ];
      case "heading":
        return [new Paragraph({ text: block.text, heading: HeadingLevel.HEADING_1 })];
      case "subheading":
        return [new Paragraph({ text: block.text, heading: HeadingLevel.HEADING_2 })];
      case "bullet":
        return [
          new Paragraph({ children: [new TextRun(block.text)], bullet: { level: Math.min(block.level, 8) } }),
        ];
      case "text":
        return [new Paragraph({ children: [new TextRun(block.text)] })];
      case "table": {
        const row = (cells: string[], header: boolean) =>
          new TableRow({
            tableHeader: header,
            children: cells.map(
              (text) =>
                new TableCell({
                  children: [new Paragraph({ children: [new TextRun({ text, bold: header })] })],
                }),
            ),
          });
        return [
          new Paragraph({ children: [new TextRun({ text: block.caption, italics: true })] }),
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: [row(block.head, true), ...block.rows.map((cells) => row(cells, false))],
          }),
          new Paragraph({ text: "" }),
        ];
      }
    }
  });
  return Packer.toBuffer(new Document({ title, sections: [{ children }] }));
}
