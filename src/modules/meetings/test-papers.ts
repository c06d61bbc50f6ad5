import { Document, Packer, Paragraph } from "docx";
import PDFDocument from "pdfkit";

// Real files made by the same libraries the app writes documents with, for upload tests.

export async function samplePdf(text = "Quarterly performance paper"): Promise<Buffer> {
  const pdf = new PDFDocument();
  const chunks: Buffer[] = [];
  pdf.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => pdf.on("end", () => resolve()));
  pdf.text(text);
  pdf.end();
  await done;
  return Buffer.concat(chunks);
}

export function sampleDocx(text = "Quarterly performance paper"): Promise<Buffer> {
  return Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph(text)] }] }));
}
