import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromRoot } from "../../lib/paths.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { systemActor } from "../audit/actor.js";
import { outline, renderAgendaDocx, renderAgendaPdf } from "./documents.js";
import { loadMeetingPage } from "./meeting-page.js";
import { importPublishedMeeting } from "./meetings-import.service.js";

const database = useTestDatabase();

async function westMerciaPage() {
  const { kysely } = database.current().db;
  const text = readFileSync(
    fromRoot("test", "fixtures", "meetings", "west-mercia-q2-2023-24-performance-meeting-notes.txt"),
    "utf8",
  );
  const { meeting } = await importPublishedMeeting(kysely, systemActor, text, { status: "published" });
  return loadMeetingPage(kysely, meeting.id, "public");
}

describe("agenda and notes documents", () => {
  it("follow the published notes' structure: title, date, chair, attendance, numbered items, next meeting", async () => {
    const blocks = outline(await westMerciaPage(), "notes");
    expect(blocks.slice(0, 3)).toEqual([
      { kind: "title", text: "Assurance & Accountability – Performance – Quarter 2 – 2023/24 – Notes" },
      { kind: "text", text: "Date: 11 December 2023" },
      { kind: "text", text: "Chair: John Campion" },
    ]);
    expect(blocks).toContainEqual({
      kind: "bullet",
      level: 0,
      text: "Marc Bayliss, Deputy Police and Crime Commissioner (DPCC)",
    });
    const headings = blocks.filter((block) => block.kind === "heading").map((block) => block.text);
    expect(headings.map((heading) => heading.split(".")[0])).toEqual(["1", "2", "3", "4", "6", "7", "8"]);
    expect(blocks.at(-1)).toEqual({
      kind: "text",
      text: "Thematic – Violence Against Women & Girls – 19 December 2023",
    });
  });

  it("leaves the notes out of the agenda", async () => {
    const page = await westMerciaPage();
    const notes = outline(page, "notes").length;
    expect(outline(page, "agenda").length).toBeLessThan(notes);
  });

  it("writes a PDF and a DOCX", async () => {
    const page = await westMerciaPage();
    expect((await renderAgendaPdf(page, "notes")).subarray(0, 5).toString()).toBe("%PDF-");
    expect((await renderAgendaDocx(page, "agenda")).subarray(0, 2).toString()).toBe("PK");
  });
});
