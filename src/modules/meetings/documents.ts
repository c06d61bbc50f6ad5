import { renderDocx, renderPdf, type DocumentBlock } from "../../lib/documents.js";
import { formatDate } from "../../lib/render.js";
import type { MeetingPage } from "./meeting-page.js";
import { assuranceLabels, outcomeLabels } from "./meetings.schema.js";

export type DocumentKind = "agenda" | "notes";

/** A note block's Markdown as plain paragraphs: "### Heading" lines become sub-headings. */
function noteBlocks(markdown: string): DocumentBlock[] {
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

/**
 * One outline of a meeting's agenda or notes, in the order the published examples use (title, date and
 * venue, chair and attendance, then the numbered items), written out as PDF and as DOCX by lib/documents.
 */
export function outline(page: MeetingPage, kind: DocumentKind): DocumentBlock[] {
  const { meeting } = page;
  const when = [formatDate(meeting.date), [meeting.start_time, meeting.end_time].filter(Boolean).join(" – ")]
    .filter(Boolean)
    .join(", ");
  const blocks: DocumentBlock[] = [
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
  return renderPdf(`${page.meeting.title} – ${kind}`, outline(page, kind));
}

export function renderAgendaDocx(page: MeetingPage, kind: DocumentKind): Promise<Buffer> {
  return renderDocx(`${page.meeting.title} – ${kind}`, outline(page, kind));
}
