import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } from "docx";
import PDFDocument from "pdfkit";
import { formatDate } from "../../lib/render.js";
import type { MeetingPage } from "./meeting-page.js";
import { assuranceLabels, outcomeLabels } from "./meetings.schema.js";

export type DocumentKind = "agenda" | "notes";

/**
 * One outline of a meeting's agenda or notes, in the order the published examples use (title, date and
 * venue, chair and attendance, then the numbered items), written out below as PDF and as DOCX.
 */
type Block =
  | { kind: "title"; text: string }
  | { kind: "heading"; text: string }
  | { kind: "subheading"; text: string }
  | { kind: "text"; text: string }
  | { kind: "bullet"; text: string; level: number };

/** A note block's Markdown as plain paragraphs: "### Heading" lines become sub-headings. */
function noteBlocks(markdown: string): Block[] {
  return markdown
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block) => {
      const heading = /^#{1,6}\s+(.*)$/.exec(block);
      return heading
        ? { kind: "subheading" as const, text: heading[1]! }
        : { kind: "text" as const, text: block };
    });
}

export function outline(page: MeetingPage, kind: DocumentKind): Block[] {
  const { meeting } = page;
  const when = [formatDate(meeting.date), [meeting.start_time, meeting.end_time].filter(Boolean).join(" – ")]
    .filter(Boolean)
    .join(", ");
  const blocks: Block[] = [
    { kind: "title", text: `${meeting.title} – ${kind === "agenda" ? "Agenda" : "Notes"}` },
    { kind: "text", text: `Date: ${when}` },
  ];
  if (meeting.venue) blocks.push({ kind: "text", text: `Venue: ${meeting.venue}` });
  if (page.chair) blocks.push({ kind: "text", text: `Chair: ${page.chair.name}` });
  for (const group of page.attendance) {
    blocks.push({ kind: "subheading", text: group.label });
    for (const person of group.people) {
      const role = [person.title, person.abbreviation ? `(${person.abbreviation})` : null]
        .filter(Boolean)
        .join(" ");
      blocks.push({ kind: "bullet", level: 0, text: role ? `${person.name}, ${role}` : person.name });
    }
  }
  for (const item of page.items) {
    blocks.push({
      kind: "heading",
      text: `${item.number}. ${item.title}${item.lead ? ` – ${item.lead}` : ""}`,
    });
    if (item.ref) blocks.push({ kind: "text", text: `Ref: ${item.ref}` });
    for (const point of item.focus) blocks.push({ kind: "bullet", level: point.level, text: point.text });
    if (kind === "agenda") {
      for (const paper of item.papers) {
        blocks.push({
          kind: "text",
          text: `Paper: ${paper.description} – ${paper.provider}, by ${paper.deadline.replace("T", " at ")}`,
        });
      }
      continue;
    }
    blocks.push(...noteBlocks(item.notes_markdown));
    for (const line of item.lines) {
      blocks.push({ kind: "text", text: `${line.asked_by} asked: ${line.question}` });
      if (line.response) blocks.push({ kind: "text", text: `Response: ${line.response}` });
      blocks.push({ kind: "text", text: `Assurance: ${assuranceLabels[line.assurance]}` });
    }
    for (const decision of item.decisions) {
      blocks.push({
        kind: "text",
        text: `Decision ${decision.ref}: ${outcomeLabels[decision.outcome]}. ${decision.purpose}`,
      });
      if (decision.conditions) blocks.push({ kind: "text", text: `Conditions: ${decision.conditions}` });
    }
  }
  if (kind === "notes" && page.nextMeeting) {
    const next = page.nextMeeting;
    blocks.push({ kind: "subheading", text: "Next meeting" });
    blocks.push({
      kind: "text",
      text: [next.type, next.theme, next.date ? formatDate(next.date) : null, next.venue]
        .filter(Boolean)
        .join(" – "),
    });
  }
  if (meeting.attribution) blocks.push({ kind: "text", text: meeting.attribution });
  return blocks;
}

export function renderAgendaPdf(page: MeetingPage, kind: DocumentKind): Promise<Buffer> {
  const pdf = new PDFDocument({ size: "A4", margin: 56, info: { Title: `${page.meeting.title} – ${kind}` } });
  const chunks: Buffer[] = [];
  pdf.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    pdf.on("end", () => resolve(Buffer.concat(chunks)));
    pdf.on("error", reject);
  });
  for (const block of outline(page, kind)) {
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
    }
  }
  pdf.end();
  return finished;
}

export function renderAgendaDocx(page: MeetingPage, kind: DocumentKind): Promise<Buffer> {
  const paragraphs = outline(page, kind).map((block) => {
    switch (block.kind) {
      case "title":
        return new Paragraph({
          text: block.text,
          heading: HeadingLevel.TITLE,
          alignment: AlignmentType.LEFT,
        });
      case "heading":
        return new Paragraph({ text: block.text, heading: HeadingLevel.HEADING_1 });
      case "subheading":
        return new Paragraph({ text: block.text, heading: HeadingLevel.HEADING_2 });
      case "bullet":
        return new Paragraph({
          children: [new TextRun(block.text)],
          bullet: { level: Math.min(block.level, 8) },
        });
      case "text":
        return new Paragraph({ children: [new TextRun(block.text)] });
    }
  });
  return Packer.toBuffer(
    new Document({ title: `${page.meeting.title} – ${kind}`, sections: [{ children: paragraphs }] }),
  );
}
