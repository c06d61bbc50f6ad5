import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { testApp, TestClient } from "../../../test/helpers/http.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import type { Role } from "../../db/schema.js";
import { systemActor } from "../audit/actor.js";
import { findMeasure } from "../measures/measures.repository.js";
import { ensureMeasureCatalogue, measureSeries } from "../measures/measures.service.js";
import { findMsgGroup } from "./msg-groups.repository.js";
import { setMsgGroup } from "./msg-groups.service.js";
import { loadReferenceData, type ReferenceData } from "./reference.js";
import { ingestFile, policeFixtures, writeTemporaryCsv } from "./test-support.js";

const database = useTestDatabase();
const kysely = () => database.current().db.kysely;
let app: FastifyInstance;
let reference: ReferenceData;
beforeAll(async () => {
  app = await testApp(database.current().db);
  reference = await loadReferenceData();
});
afterAll(async () => {
  await app.close();
});

async function signedIn(role: Role): Promise<TestClient> {
  const user = await createTestUser(database.current().db, { role });
  const client = new TestClient(app);
  await client.signIn(user.email);
  return client;
}

describe("Most Similar Groups", () => {
  it("start with West Mercia's demo group, labelled as not the Home Office's", async () => {
    const group = await findMsgGroup(kysely(), "west-mercia");
    expect(group?.name).toBe("Demo comparison group: the forces whose 2025 data is in the demo");
    expect(group?.note).toContain("Not the Home Office Most Similar Group");
    expect(group?.memberIds).toEqual([
      "cumbria",
      "derbyshire",
      "devon-and-cornwall",
      "dyfed-powys",
      "gloucestershire",
      "lincolnshire",
      "norfolk",
      "north-yorkshire",
      "staffordshire",
      "suffolk",
      "warwickshire",
      "wiltshire",
    ]);
    for (const id of group?.memberIds ?? []) expect(reference.forces.has(id)).toBe(true);
  });

  it("are edited by administrators only, and every change is audited", async () => {
    const opcc = await signedIn("opcc");
    expect((await opcc.get("/admin/msg-groups")).statusCode).toBe(403);

    const admin = await signedIn("admin");
    const list = await admin.get("/admin/msg-groups");
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain("Demo comparison group");
    expect((await admin.get("/admin/msg-groups/edit?force=norfolk")).headers.location).toBe(
      "/admin/msg-groups/norfolk",
    );

    const saved = await admin.post(
      "/admin/msg-groups/norfolk",
      { name: "Home Office MSG 2024", note: "", members: "suffolk" },
      "/admin/msg-groups/norfolk",
    );
    expect(saved.statusCode).toBe(302);
    expect(await findMsgGroup(kysely(), "norfolk")).toMatchObject({
      name: "Home Office MSG 2024",
      note: null,
      memberIds: ["suffolk"],
    });
    const audit = await kysely()
      .selectFrom("audit_log")
      .selectAll()
      .where("entity_type", "=", "msg_group")
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "create", before_json: null });
    expect(JSON.parse(audit[0]!.after_json!)).toEqual({
      name: "Home Office MSG 2024",
      note: null,
      members: ["suffolk"],
    });

    const noName = await admin.post(
      "/admin/msg-groups/norfolk",
      { name: " ", members: "suffolk" },
      "/admin/msg-groups/norfolk",
    );
    expect(noName.statusCode).toBe(422);
    expect(noName.body).toContain("Enter a name that says what the group is");
    const unknown = await admin.post(
      "/admin/msg-groups/norfolk",
      { name: "X", members: "atlantis" },
      "/admin/msg-groups/norfolk",
    );
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toContain("Unknown force: atlantis");
    expect((await admin.get("/admin/msg-groups/atlantis")).statusCode).toBe(404);
    expect((await findMsgGroup(kysely(), "norfolk"))?.name).toBe("Home Office MSG 2024");
  });

  it("decide which forces a measure compares a force with", async () => {
    await ensureMeasureCatalogue(kysely());
    const db = database.current().db;
    const original = (name: string) => readFileSync(join(policeFixtures, "original", name), "utf8");
    expect(
      (await ingestFile(db, reference, join(policeFixtures, "original", "2025-01-west-mercia-street.csv")))
        .status,
    ).toBe("loaded");
    // Devon and Cornwall's February rows, relabelled as January and, once more, as Cumbria's: two more forces.
    const devon = original("2025-02-devon-and-cornwall-street.csv").replace(/,2025-02,/g, ",2025-01,");
    const cumbria = devon.replace(/Devon & Cornwall Police/g, "Cumbria Constabulary");
    for (const [name, text] of [
      ["2025-01-devon-and-cornwall-street.csv", devon],
      ["2025-01-cumbria-street.csv", cumbria],
    ] as const) {
      expect((await ingestFile(db, reference, await writeTemporaryCsv(name, text))).status).toBe("loaded");
    }
    const measure = (await findMeasure(kysely(), "crimes.all"))!;
    const compared = async () => {
      const series = await measureSeries(kysely(), measure, { area: "west-mercia", to: "2025-01-01" });
      return series.msg.comparison === null
        ? series.msg.reason
        : { group: series.msgGroup, forces: series.msg.comparison.forces.map((f) => f.forceId).sort() };
    };

    expect(await compared()).toEqual({
      group: "Demo comparison group: the forces whose 2025 data is in the demo",
      forces: ["cumbria", "devon-and-cornwall", "west-mercia"],
    });
    const form = { name: "Test group", note: "" };
    await setMsgGroup(kysely(), systemActor, reference.forces, "west-mercia", {
      ...form,
      members: ["devon-and-cornwall"],
    });
    expect(await compared()).toEqual({ group: "Test group", forces: ["devon-and-cornwall", "west-mercia"] });
    await setMsgGroup(kysely(), systemActor, reference.forces, "west-mercia", {
      ...form,
      members: ["norfolk"],
    });
    expect(await compared()).toBe("No other force has a value for 2025-01.");
    // Devon and Cornwall has data but no group: it is not compared with whichever forces have data.
    const devonSeries = await measureSeries(kysely(), measure, {
      area: "devon-and-cornwall",
      to: "2025-01-01",
    });
    expect(devonSeries.msg).toEqual({
      comparison: null,
      reason:
        "Devon & Cornwall Police has no Most Similar Group: an administrator can set one under Most Similar Groups.",
    });
  });
});
