import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import type { RegisterFilter } from "./inspections.schema.js";
import { ForbiddenError, ValidationError } from "../../lib/errors.js";
import { systemActor } from "../audit/actor.js";
import { loadInspectionsDemo } from "./inspections.demo.js";
import {
  countByStatus,
  findFinding,
  findInspection,
  findResponse,
  latestPeelComparison,
  listPublishedResponses,
  listRegister,
  listResponseItems,
  listStatusChanges,
  openFindingsWithUpdatesSince,
} from "./inspections.repository.js";
import {
  addProgressUpdate,
  assessUpdate,
  changeFindingStatus,
  createFinding,
  draftResponse,
  publishResponse,
  saveResponse,
  setGrade,
  updateFindingDetails,
  updateInspectionDetails,
} from "./inspections.service.js";
import { StaleEditError } from "../../lib/stale-edit.js";
import { makeFinding, makeInspection } from "./test-support.js";

const database = useTestDatabase();
const force = { userId: null, label: "force.user@example.org", ip: null };
const noDetails = { reason: null, closed_by: null, decided_by: null, superseded_by_id: null };

async function auditOf(entityType: string, entityId: number) {
  return database
    .current()
    .db.kysely.selectFrom("audit_log")
    .select(["action", "actor"])
    .where("entity_type", "=", entityType)
    .where("entity_id", "=", String(entityId))
    .orderBy("id")
    .execute();
}

describe("findings", () => {
  it("puts recommendations under a cause of concern of the same inspection only", async () => {
    const db = database.current().db.kysely;
    const inspection = await makeInspection(db);
    const other = await makeInspection(db, { title: "Another" });
    const cause = await makeFinding(db, inspection.id, { kind: "cause_of_concern", reference: "CoC 1" });
    const recommendation = await makeFinding(db, inspection.id, {
      kind: "recommendation",
      parent_id: cause.id,
    });
    expect(recommendation.parent_id).toBe(cause.id);
    await expect(makeFinding(db, other.id, { kind: "recommendation", parent_id: cause.id })).rejects.toThrow(
      "Choose a cause of concern from the same inspection",
    );
    await expect(
      makeFinding(db, inspection.id, { kind: "area_for_improvement", parent_id: cause.id }),
    ).rejects.toThrow("Only a recommendation can belong to a cause of concern");
    await expect(makeFinding(db, inspection.id, { reference: "CoC 1" })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it("records each status change with who, when and why, in the finding's history and the audit log", async () => {
    const db = database.current().db.kysely;
    const inspection = await makeInspection(db);
    const finding = await makeFinding(db, inspection.id);
    await changeFindingStatus(db, force, "force", finding.id, { ...noDetails, to: "in_progress" });
    await changeFindingStatus(db, force, "force", finding.id, { ...noDetails, to: "ready_for_closure" });
    const closed = await changeFindingStatus(db, systemActor, "opcc", finding.id, {
      ...noDetails,
      to: "closed",
      reason: "Audit shows it done",
      closed_by: "force",
      decided_by: "ACC Crime",
    });
    expect(closed).toMatchObject({ status: "closed", closed_by: "force", closure_decided_by: "ACC Crime" });
    const history = await listStatusChanges(db, finding.id);
    expect(history.map((change) => [change.from_status, change.to_status, change.actor])).toEqual([
      ["open", "in_progress", "force.user@example.org"],
      ["in_progress", "ready_for_closure", "force.user@example.org"],
      ["ready_for_closure", "closed", "system"],
    ]);
    expect(history[2]?.reason).toBe("Audit shows it done");
    expect((await auditOf("finding", finding.id)).map((row) => row.action)).toEqual([
      "create",
      "update",
      "update",
      "update",
    ]);
  });

  it("refuses a force user closing a finding, and changes nothing", async () => {
    const db = database.current().db.kysely;
    const finding = await makeFinding(db, (await makeInspection(db)).id);
    await expect(
      changeFindingStatus(db, force, "force", finding.id, {
        ...noDetails,
        to: "closed",
        reason: "Done",
        closed_by: "force",
        decided_by: "Me",
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await listStatusChanges(db, finding.id)).toEqual([]);
  });

  it("supersedes a local finding with a national recommendation that exists", async () => {
    const db = database.current().db.kysely;
    const local = await makeFinding(db, (await makeInspection(db)).id);
    const national = await makeFinding(db, (await makeInspection(db, { kind: "national_thematic" })).id, {
      kind: "national_recommendation",
    });
    await expect(
      changeFindingStatus(db, systemActor, "opcc", local.id, {
        ...noDetails,
        to: "superseded",
        superseded_by_id: 999_999,
      }),
    ).rejects.toThrow("The superseding finding does not exist");
    const superseded = await changeFindingStatus(db, systemActor, "opcc", local.id, {
      ...noDetails,
      to: "superseded",
      superseded_by_id: national.id,
    });
    expect(superseded).toMatchObject({ status: "superseded", superseded_by_id: national.id });
  });

  it("keeps the OPCC's assessment of a progress update, and only on that finding's updates", async () => {
    const db = database.current().db.kysely;
    const inspection = await makeInspection(db);
    const finding = await makeFinding(db, inspection.id);
    const other = await makeFinding(db, inspection.id);
    const update = await addProgressUpdate(db, force, finding.id, {
      update_date: "2025-06-30",
      narrative: "Rota changed",
      rag: "amber",
      evidence: "Audit: 84% answered in 10 seconds",
      evidence_url: null,
    });
    expect(update.author).toBe("force.user@example.org");
    await expect(
      assessUpdate(db, systemActor, other.id, update.id, { assessment: "assured", assessment_reason: "x" }),
    ).rejects.toThrow(/No progress update/);
    const assessed = await assessUpdate(db, systemActor, finding.id, update.id, {
      assessment: "partially_assured",
      assessment_reason: "Below target",
    });
    expect(assessed).toMatchObject({
      assessment: "partially_assured",
      assessment_reason: "Below target",
      assessed_by: "system",
    });
    expect((await auditOf("finding_update", update.id)).map((row) => row.action)).toEqual([
      "create",
      "update",
    ]);
  });
});

describe("the register", () => {
  it("filters by kind, status, inspection and overdue, and counts by status under the other filters", async () => {
    const db = database.current().db.kysely;
    const inspection = await makeInspection(db, { title: "Register test" });
    const late = await makeFinding(db, inspection.id, { target_date: "2025-01-31" });
    await makeFinding(db, inspection.id, { target_date: "2025-12-31" });
    const done = await makeFinding(db, inspection.id, { kind: "recommendation", target_date: "2025-01-31" });
    await changeFindingStatus(db, systemActor, "opcc", done.id, {
      ...noDetails,
      to: "closed",
      reason: "Done",
      closed_by: "hmicfrs",
      decided_by: "Inspector",
    });
    const today = "2025-06-01";
    const ids = async (filter: Partial<RegisterFilter>) =>
      (await listRegister(db, { overdue: false, inspection: inspection.id, ...filter }, today)).map(
        (row) => row.id,
      );
    expect(await ids({ overdue: true })).toEqual([late.id]);
    expect(await ids({ kind: "recommendation" })).toEqual([done.id]);
    expect(await ids({ status: "closed" })).toEqual([done.id]);
    expect(
      await countByStatus(db, { overdue: false, inspection: inspection.id, status: "closed" }, today),
    ).toEqual({
      open: 2,
      in_progress: 0,
      ready_for_closure: 0,
      closed: 1,
      superseded: 0,
    });
  });

  it("gives the meetings module the open findings with the updates since the last meeting", async () => {
    const db = database.current().db.kysely;
    const inspection = await makeInspection(db, { title: "Quarterly test" });
    const open = await makeFinding(db, inspection.id);
    const closed = await makeFinding(db, inspection.id);
    await changeFindingStatus(db, systemActor, "opcc", closed.id, {
      ...noDetails,
      to: "closed",
      reason: "Done",
      closed_by: "hmicfrs",
      decided_by: "Inspector",
    });
    const update = {
      update_date: "2025-06-30",
      narrative: "n",
      rag: "green" as const,
      evidence: null,
      evidence_url: null,
    };
    const before = await addProgressUpdate(db, force, open.id, update);
    const since = new Date(Date.now() + 5).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const after = await addProgressUpdate(db, force, open.id, update);
    const result = (await openFindingsWithUpdatesSince(db, since)).filter(
      (row) => row.inspection_id === inspection.id,
    );
    expect(result.map((row) => row.id)).toEqual([open.id]);
    expect(result[0]?.inspection_title).toBe("Quarterly test");
    expect(result[0]?.updates.map((row) => row.id)).toEqual([after.id]);
    expect(result[0]?.updates.map((row) => row.id)).not.toContain(before.id);
  });
});

describe("PEEL grades", () => {
  it("sets the latest PEEL inspection's grades beside the previous inspection's, by question area", async () => {
    const db = database.current().db.kysely;
    const older = await makeInspection(db, { title: "PEEL 2021/22", published_on: "2022-03-01" });
    const newer = await makeInspection(db, { title: "PEEL 2023–25", published_on: "2099-01-01" });
    await makeInspection(db, { kind: "custody", title: "Custody later", published_on: "2099-06-01" });
    await setGrade(db, systemActor, older.id, { question_area: "Investigating crime", grade: "good" });
    await setGrade(db, systemActor, newer.id, { question_area: "Investigating crime", grade: "adequate" });
    await setGrade(db, systemActor, newer.id, {
      question_area: "Investigating crime",
      grade: "requires_improvement",
    });
    await setGrade(db, systemActor, newer.id, { question_area: "Leadership", grade: "outstanding" });
    const comparison = await latestPeelComparison(db);
    expect(comparison?.latest.id).toBe(newer.id);
    expect(comparison?.previous?.id).toBe(older.id);
    expect(comparison?.rows).toEqual([
      { questionArea: "Investigating crime", grade: "requires_improvement", previousGrade: "good" },
      { questionArea: "Leadership", grade: "outstanding", previousGrade: null },
    ]);
  });
});

describe("the PCC's statutory response", () => {
  it("is drafted from the register, edited, and published only when it covers every finding", async () => {
    const db = database.current().db.kysely;
    const inspection = await makeInspection(db, { title: "Response test" });
    const cause = await makeFinding(db, inspection.id, { kind: "cause_of_concern", reference: "CoC 1" });
    await createFinding(db, systemActor, inspection.id, {
      kind: "recommendation",
      reference: "R1",
      text: "Recommend",
      owner: "ACC",
      target_date: "2025-06-30",
      parent_id: cause.id,
    });
    await addProgressUpdate(db, force, cause.id, {
      update_date: "2025-03-01",
      narrative: "Plan agreed.",
      rag: "amber",
      evidence: null,
      evidence_url: null,
    });
    const response = await draftResponse(db, systemActor, inspection.id);
    expect(response.introduction).toContain('"Response test"');
    const items = await listResponseItems(db, response.id);
    expect(items.map((item) => item.action)).toEqual([
      "Status: open. Owner: Head of Contact. Latest update from the force (1 March 2025): Plan agreed.",
      "Status: open. Owner: ACC. Target date: 30 June 2025. The force has not yet reported progress.",
    ]);

    const first = await saveResponse(db, systemActor, inspection.id, {
      introduction: "Intro",
      actions: new Map([[items[1]!.id, ""]]),
      version: response.version,
    });
    expect(first.version).toBe(response.version + 1);
    await expect(publishResponse(db, systemActor, inspection.id, first.version)).rejects.toThrow(
      "Say what action has been or will be taken on R1",
    );
    // A second editor's form, opened before the first save, is refused whole: neither part of it is kept.
    await expect(
      saveResponse(db, systemActor, inspection.id, {
        introduction: "Stale intro",
        actions: new Map([[items[0]!.id, "Stale comment"]]),
        version: response.version,
      }),
    ).rejects.toThrow(StaleEditError);
    expect((await findResponse(db, inspection.id))?.introduction).toBe("Intro");
    expect((await listResponseItems(db, response.id))[0]?.action).toBe(items[0]!.action);
    const second = await saveResponse(db, systemActor, inspection.id, {
      introduction: "Intro",
      actions: new Map([[items[1]!.id, "The force will recruit call handlers by June."]]),
      version: first.version,
    });
    // Publishing is refused from a page read before the last save: what is published is what was read.
    await expect(publishResponse(db, systemActor, inspection.id, first.version)).rejects.toThrow(
      "This response was changed since you opened it",
    );
    const published = await publishResponse(db, systemActor, inspection.id, second.version);
    expect(published.published_at).not.toBeNull();
    expect((await listPublishedResponses(db)).map((row) => row.title)).toContain("Response test");
    await expect(
      saveResponse(db, systemActor, inspection.id, {
        introduction: "Late edit",
        actions: new Map(),
        version: published.version,
      }),
    ).rejects.toThrow("The response is already published");
    expect((await auditOf("pcc_response", response.id)).map((row) => row.action)).toEqual([
      "create",
      "update",
      "update",
    ]);
  });
});

describe("two people editing one inspection or finding", () => {
  it("keeps the first save and refuses the second, made from a form opened before it", async () => {
    const db = database.current().db.kysely;
    const inspection = await makeInspection(db, { title: "Versioned" });
    const details = {
      kind: inspection.kind,
      title: "Versioned, corrected",
      published_on: inspection.published_on,
      report_url: null,
      scope: null,
    };
    const saved = await updateInspectionDetails(db, systemActor, inspection.id, details, inspection.version);
    expect(saved.version).toBe(inspection.version + 1);
    await expect(
      updateInspectionDetails(
        db,
        systemActor,
        inspection.id,
        { ...details, title: "Lost" },
        inspection.version,
      ),
    ).rejects.toThrow("This inspection was changed since you opened it");
    expect((await findInspection(db, inspection.id))?.title).toBe("Versioned, corrected");

    const finding = await makeFinding(db, inspection.id, { reference: "AFI 9" });
    const input = {
      kind: finding.kind,
      reference: finding.reference,
      text: "Corrected text",
      owner: null,
      target_date: null,
      parent_id: null,
    };
    // A status change moves the version too: a details form opened before it is out of date.
    await changeFindingStatus(db, systemActor, "opcc", finding.id, {
      to: "in_progress",
      reason: null,
      closed_by: null,
      decided_by: null,
      superseded_by_id: null,
    });
    await expect(
      updateFindingDetails(db, systemActor, finding.id, input, finding.version),
    ).rejects.toBeInstanceOf(StaleEditError);
    expect((await findFinding(db, finding.id))?.text).toBe(finding.text);
    const current = (await findFinding(db, finding.id))!;
    await updateFindingDetails(db, systemActor, finding.id, input, current.version);
    expect((await findFinding(db, finding.id))?.text).toBe("Corrected text");
  });
});

describe("the demonstration data", () => {
  it("loads a clearly labelled sample set once", async () => {
    const db = database.current().db.kysely;
    await loadInspectionsDemo(db);
    await loadInspectionsDemo(db);
    const samples = await db.selectFrom("inspections").selectAll().where("is_sample", "=", 1).execute();
    expect(samples).toHaveLength(3);
    expect(samples.every((inspection) => inspection.title.startsWith("Sample:"))).toBe(true);
    const superseded = await db
      .selectFrom("inspection_findings")
      .selectAll()
      .where("status", "=", "superseded")
      .execute();
    expect(superseded.some((finding) => finding.reference === "AFI 2")).toBe(true);
  });
});
