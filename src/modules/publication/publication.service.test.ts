import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { ValidationError } from "../../lib/errors.js";
import { systemActor } from "../audit/actor.js";
import { SAMPLE_RETURNS_FOLDER, loadMeasuresDemo } from "../measures/measures.demo.js";
import { addLineOfEnquiry } from "../meetings/meetings.service.js";
import { listItems } from "../meetings/meetings.repository.js";
import { loadMeetingsDemo, westMerciaAttribution } from "../meetings/meetings.demo.js";
import { loadPublicationDemo } from "./publication.demo.js";
import { PLACEHOLDER_START } from "./publication.schema.js";
import {
  complaintsInformation,
  createStatementDraft,
  generateStatementDraft,
  latestCompleteQuarter,
  performanceSummary,
  publishStatement,
  saveStatementDraft,
  statementFor,
  statementVersions,
} from "./publication.service.js";
import { formatPeriod } from "../../stats/periods.js";

const database = useTestDatabase();
const db = () => database.current().db.kysely;

/** The last row a sample return gives for a measure, read from the file itself. */
async function lastSampleRow(file: string, measureId: string) {
  const rows = (await readFile(join(SAMPLE_RETURNS_FOLDER, file), "utf8"))
    .split("\n")
    .filter((line) => line.startsWith(`${measureId},`))
    .map((line) => line.split(","));
  const last = rows[rows.length - 1]!;
  return { period: last[1]!, value: last[3]! };
}

beforeAll(async () => {
  await loadMeasuresDemo(database.current().db);
  await loadMeetingsDemo(db());
});

describe("the 7A statement's generated draft", () => {
  it("cites each national priority measure's latest figure from the demo force returns, with its change in words", async () => {
    const { body, figuresTo } = await generateStatementDraft(db());
    const homicide = await lastSampleRow(
      "sample-serious-violence-and-homicide.csv",
      "homicide.rolling-12-months",
    );
    expect(homicide.period).toBe("2026-03");
    expect(body).toContain(
      `- Homicides, rolling 12 months: **${homicide.value}** in March 2026 (SAMPLE figure).`,
    );
    expect(body).toMatch(
      /Homicides, rolling 12 months (rose|fell|was unchanged).* in March 2026 compared with March 2025, the same month last year/,
    );
    const satisfaction = await lastSampleRow(
      "sample-victim-satisfaction.csv",
      "victims.satisfaction-overall",
    );
    expect(body).toContain(
      `- Victim satisfaction: whole experience: **${satisfaction.value}%** in ${satisfaction.period}`,
    );
    expect(body).toContain(`compared with Q4 2024/25, the same quarter last year`);
    expect(body).toContain("## Tackle cyber crime\n\nNo measure of this priority holds figures yet.");
    expect(body.split(PLACEHOLDER_START)).toHaveLength(7);
    expect(figuresTo).toBe("March 2026");
  });
});

describe("publishing the 7A statement", () => {
  it("keeps a draft from the public, publishes it audited with its date, and keeps the earlier version as history", async () => {
    const draft = await createStatementDraft(db(), systemActor);
    // The public cannot see a draft; the panel can.
    await expect(statementFor(db(), draft.id, null)).rejects.toThrow("Page not found");
    const panel = {
      id: 1,
      email: "p@example.org",
      name: "P",
      role: "panel" as const,
      must_change_password: 0,
    };
    await expect(statementFor(db(), draft.id, panel)).resolves.toMatchObject({ status: "draft" });
    expect((await statementVersions(db(), null)).current).toBeNull();

    // Gaps left: refused, nothing changed.
    await expect(
      publishStatement(db(), systemActor, draft.id, { publishedOn: "2026-04-30", version: draft.version }),
    ).rejects.toThrow(ValidationError);
    expect((await statementFor(db(), draft.id, panel)).status).toBe("draft");

    const body = draft.body_markdown.replaceAll(/\[To write:[^\]]*\]/g, "The commissioner's words.");
    const saved = await saveStatementDraft(db(), systemActor, draft.id, {
      title: "First statement",
      body,
      version: draft.version,
    });
    // A second editor's form, and a publish button, from the page as it was before that save: both refused.
    await expect(
      saveStatementDraft(db(), systemActor, draft.id, {
        title: "Other",
        body: "Other",
        version: draft.version,
      }),
    ).rejects.toThrow("This statement was changed since you opened it");
    await expect(
      publishStatement(db(), systemActor, draft.id, { publishedOn: "2026-04-30", version: draft.version }),
    ).rejects.toThrow("This statement was changed since you opened it");
    await publishStatement(db(), systemActor, draft.id, {
      publishedOn: "2026-04-30",
      version: saved.version,
    });
    const published = await statementFor(db(), draft.id, null);
    expect(published).toMatchObject({
      status: "published",
      published_on: "2026-04-30",
      title: "First statement",
    });
    const audit = await db()
      .selectFrom("audit_log")
      .select(["action", "after_json"])
      .where("entity_type", "=", "priority-statement")
      .where("entity_id", "=", String(draft.id))
      .orderBy("id")
      .execute();
    expect(audit.map((row) => row.action)).toEqual(["create", "update", "publish"]);
    expect(JSON.parse(audit[2]!.after_json!)).toEqual({ status: "published", published_on: "2026-04-30" });

    // A published statement is fixed; the next is a new draft, and the first stays as history.
    await expect(
      saveStatementDraft(db(), systemActor, draft.id, { title: "Changed", body: "Changed", version: 99 }),
    ).rejects.toThrow(ValidationError);
    const second = await createStatementDraft(db(), systemActor, {
      title: "Second statement",
      body: "Updated words.",
      figuresTo: null,
    });
    await publishStatement(db(), systemActor, second.id, {
      publishedOn: "2026-10-31",
      version: second.version,
    });
    const versions = await statementVersions(db(), null);
    expect(versions.current?.title).toBe("Second statement");
    expect(versions.history.map((v) => v.title)).toEqual(["First statement"]);
    expect(versions.drafts).toEqual([]);
  });
});

describe("7C complaints information", () => {
  it("lists the published meetings that discussed complaints, with what was said, and not unpublished ones", async () => {
    const westMercia = await db()
      .selectFrom("meetings")
      .select(["id", "date"])
      .where("attribution", "=", westMerciaAttribution)
      .executeTakeFirstOrThrow();
    const [firstItem] = await listItems(db(), westMercia.id);
    await addLineOfEnquiry(db(), systemActor, westMercia.id, firstItem!.id, {
      askedBy: "PCC",
      question: "How long does the force take to finalise a complaint?",
      response: "",
      assurance: "further-information-requested",
    });

    const { meetings } = await complaintsInformation(db());
    expect(meetings.map((m) => m.id)).toEqual([westMercia.id]);
    const [meeting] = meetings;
    expect(meeting!.items.flatMap((item) => item.paragraphs)).toContainEqual(
      expect.stringContaining(
        "The PCC expressed concern on the number of complaints recorded in the first 6 months of 23/24.",
      ),
    );
    expect(meeting!.linesOfEnquiry.map((line) => line.question)).toEqual([
      "How long does the force take to finalise a complaint?",
    ]);
  });

  it("gives the published complaints measures' figures", async () => {
    expect((await complaintsInformation(db())).figures).toEqual([]);
    await loadPublicationDemo(database.current().db);
    const { figures } = await complaintsInformation(db());
    const recorded = await lastSampleRow("sample-complaints-and-conduct.csv", "complaints.recorded");
    expect(figures.find((f) => f.measureId === "complaints.recorded")).toMatchObject({
      value: recorded.value,
      period: recorded.period,
      sample: true,
    });
  });
});

describe("the public performance summary", () => {
  it("ends at the latest complete quarter", () => {
    expect(formatPeriod(latestCompleteQuarter("2026-03-31", "2026-11-26"))).toBe("Q4 2025/26");
    expect(formatPeriod(latestCompleteQuarter("2026-02-28", "2026-11-26"))).toBe("Q3 2025/26");
    expect(formatPeriod(latestCompleteQuarter("2026-03-31", "2026-02-15"))).toBe("Q3 2025/26");
  });

  it("shows each published headline measure to the quarter's end, with its change, chart and definition", async () => {
    // The demonstration (loaded above) published the national priorities' measures.
    const summary = await performanceSummary(db(), "2026-11-26");
    expect(summary.quarter).toEqual({ name: "Q4 2025/26", months: "January to March 2026" });
    const homicide = summary.national
      .find((priority) => priority.id === "homicide")!
      .figures.find((f) => f.measureId === "homicide.rolling-12-months")!;
    expect(homicide.value).toBe(
      (await lastSampleRow("sample-serious-violence-and-homicide.csv", "homicide.rolling-12-months")).value,
    );
    expect(homicide.change).toContain("compared with March 2025");
    // A rolling 12-month count: a trend line, no SPC verdict (its points overlap, so limits would mislead).
    expect(homicide.spcVerdict).toBeNull();
    expect(homicide.chart?.svg).toMatch(
      /^<svg role="img" aria-label="Homicides, rolling 12 months, April 2023 to March 2026/,
    );
    expect(homicide.chart?.description).toContain("No SPC chart: each figure covers months the one before");
    expect(homicide.chart?.table.rows).toHaveLength(36);
    expect(homicide.definition).toContain("Homicides (murder, manslaughter");

    // Earlier in the year the quarter before is the latest complete one, and each series stops at its end.
    const earlier = await performanceSummary(db(), "2026-02-15");
    expect(earlier.quarter?.name).toBe("Q3 2025/26");
    const homicideThen = earlier.national
      .find((priority) => priority.id === "homicide")!
      .figures.find((f) => f.measureId === "homicide.rolling-12-months")!;
    expect(homicideThen.period).toBe("December 2025");
    expect(homicideThen.chart?.table.rows).toHaveLength(33);
  });
});
