import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { csrfTokenIn, TestClient } from "../../../test/helpers/http.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { buildApp } from "../../app.js";
import { parseConfig } from "../../config.js";
import { templateColumns } from "./inspections.import.js";
import { makeFinding, makeInspection } from "./test-support.js";

const database = useTestDatabase();
let app: FastifyInstance;
let uploadDir: string;
beforeAll(async () => {
  uploadDir = await mkdtemp(join(tmpdir(), "scrutineer-inspection-uploads-"));
  app = await buildApp({
    config: parseConfig({ LOG_LEVEL: "silent", UPLOAD_DIR: uploadDir }),
    db: database.current().db,
  });
});
afterAll(async () => {
  await app.close();
  await rm(uploadDir, { recursive: true, force: true });
});

const upload = (client: TestClient, csv: string | Buffer, filename = "inspections.csv") =>
  postMultipart(client, "/inspections/import", "/inspections/import", {}, { name: filename, data: csv });

async function signedIn(role: "admin" | "opcc" | "force" | "panel") {
  const user = await createTestUser(database.current().db, { role });
  const client = new TestClient(app);
  await client.signIn(user.email);
  return client;
}

/** Posts fields and a file as a browser's multipart form would, with the CSRF token of the form's page. */
async function postMultipart(
  client: TestClient,
  url: string,
  formPage: string,
  fields: Record<string, string>,
  file: { name: string; data: string | Buffer },
) {
  const token = csrfTokenIn((await client.get(formPage)).body);
  const boundary = "----scrutineer-test";
  const part = (name: string, value: string) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  const body = Buffer.concat([
    part("_csrf", token),
    ...Object.entries(fields).map(([name, value]) => part(name, value)),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    Buffer.isBuffer(file.data) ? file.data : Buffer.from(file.data),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return app.inject({
    method: "POST",
    url,
    headers: {
      "content-type": `multipart/form-data; boundary=${boundary}`,
      cookie: `scrutineer.sid=${client.cookie("scrutineer.sid")}`,
    },
    payload: body,
  });
}

describe("inspections pages", () => {
  it("lets the public see only the public page, and panel members read but not change", async () => {
    const db = database.current().db.kysely;
    const inspection = await makeInspection(db, { title: "Access test" });
    const finding = await makeFinding(db, inspection.id);
    const anonymous = new TestClient(app);
    expect((await anonymous.get("/inspections")).headers.location).toBe("/sign-in?next=%2Finspections");
    expect((await anonymous.get("/peel-and-inspections")).statusCode).toBe(200);
    expect((await anonymous.get(`/peel-and-inspections/responses/${inspection.id}`)).statusCode).toBe(404);

    const panel = await signedIn("panel");
    const page = await panel.get(`/inspections/findings/${finding.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain("Add a progress update");
    expect(page.body).not.toContain("Change the status");
    const refused = await panel.post(
      `/inspections/findings/${finding.id}/updates`,
      { update_date: "2025-06-30", narrative: "x", rag: "green" },
      `/inspections/findings/${finding.id}`,
    );
    expect(refused.statusCode).toBe(403);
    expect((await panel.get("/inspections/new")).statusCode).toBe(403);
  });

  it("lets a force user add progress and move a finding on, but not close it", async () => {
    const db = database.current().db.kysely;
    const finding = await makeFinding(db, (await makeInspection(db)).id);
    const force = await signedIn("force");
    const form = `/inspections/findings/${finding.id}`;
    const invalid = await force.post(
      `${form}/updates`,
      { update_date: "2025-02-30", narrative: "", rag: "" },
      form,
    );
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain("Describe the progress made");
    expect(invalid.body).toContain('href="#update_date"');

    const added = await force.post(
      `${form}/updates`,
      { update_date: "2025-06-30", narrative: "Rota in place", rag: "amber" },
      form,
    );
    expect(added.headers.location).toBe(form);
    expect((await force.post(`${form}/status`, { to: "in_progress" }, form)).headers.location).toBe(form);
    const closing = await force.post(
      `${form}/status`,
      { to: "closed", reason: "Done", closed_by: "force", decided_by: "Me" },
      form,
    );
    expect(closing.statusCode).toBe(403);
    const page = (await force.get(form)).body;
    expect(page).toContain("Rota in place");
    expect(page).toContain("changed the status from open to in progress");
    expect(page).not.toContain("Record assessment");
  });

  it("shows the OPCC the closing details it missed", async () => {
    const db = database.current().db.kysely;
    const finding = await makeFinding(db, (await makeInspection(db)).id);
    const opcc = await signedIn("opcc");
    const form = `/inspections/findings/${finding.id}`;
    const response = await opcc.post(`${form}/status`, { to: "closed" }, form);
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain("Say whether HMICFRS or the force closed it");
    expect(response.body).toContain("Enter who decided to close it");
  });

  it("filters the register and counts findings by status", async () => {
    const db = database.current().db.kysely;
    const inspection = await makeInspection(db, { title: "Filter test" });
    await makeFinding(db, inspection.id, { reference: "Late one", target_date: "2020-01-01" });
    await makeFinding(db, inspection.id, { reference: "Future one", target_date: "2099-01-01" });
    const panel = await signedIn("panel");
    const page = (await panel.get(`/inspections?inspection=${inspection.id}&overdue=yes`)).body;
    expect(page).toContain("Late one");
    expect(page).not.toContain("Future one");
    expect(page).toMatch(/data-status="open">1</);
  });

  it("imports a CSV upload all or nothing, listing bad rows by line", async () => {
    const opcc = await signedIn("opcc");
    const header = templateColumns.join(",");
    const bad = await upload(
      opcc,
      `${header}\ninspection,U1,peel,Upload test,2025-01-10,,,,,,,,,\ngrade,U1,,,,,,Investigating crime,great,,,,,\nfinding,U9,afi,,,,,,,A1,,Text,,\n`,
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain("Line 3, grade: Use one of");
    expect(bad.body).toContain("Line 4, inspection: No inspection row with the key U9");
    expect((await opcc.get("/inspections")).body).not.toContain("Upload test");

    const pdf = await upload(opcc, Buffer.from("%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n"), "report.csv");
    expect(pdf.statusCode).toBe(422);
    expect(pdf.body).toContain("The file is not a CSV file");

    const good = await upload(
      opcc,
      `${header}\ninspection,U1,peel,Upload test,2025-01-10,,,,,,,,,\ngrade,U1,,,,,,Investigating crime,good,,,,,\n`,
    );
    expect(good.headers.location).toBe("/inspections");
    expect((await opcc.get("/inspections")).body).toContain("Upload test");
  });

  it("offers the template for download to those who import", async () => {
    const opcc = await signedIn("opcc");
    const template = await opcc.get("/inspections/import/template.csv");
    expect(template.headers["content-type"]).toContain("text/csv");
    expect(template.body.split("\n")[0]).toBe(templateColumns.join(","));
  });
});

describe("correcting the register", () => {
  it("lets the OPCC change an inspection's and a finding's details, keeping references unique", async () => {
    const db = database.current().db.kysely;
    const inspection = await makeInspection(db, { title: "Before edit" });
    const taken = await makeFinding(db, inspection.id, { reference: "Taken" });
    const finding = await makeFinding(db, inspection.id, { reference: "Mine" });
    const opcc = await signedIn("opcc");
    const editInspection = `/inspections/${inspection.id}/edit`;
    const form = (await opcc.get(editInspection)).body;
    expect(form).toContain('value="Before edit"');
    expect(form).toContain('<input type="hidden" name="version" value="1">');
    const details = {
      kind: "custody",
      published_on: "2025-02-01",
      report_url: "",
      scope: "Cells",
      version: "1",
    };
    const saved = await opcc.post(editInspection, { ...details, title: "After edit" }, editInspection);
    expect(saved.headers.location).toBe(`/inspections/${inspection.id}`);
    expect((await opcc.get(`/inspections/${inspection.id}`)).body).toContain("After edit");
    // A second editor's form, opened at version 1: refused, their text kept, the current version given.
    const stale = await opcc.post(editInspection, { ...details, title: "Typed elsewhere" }, editInspection);
    expect(stale.statusCode).toBe(422);
    expect(stale.body).toContain("This inspection was changed since you opened it");
    expect(stale.body).toContain('value="Typed elsewhere"');
    expect(stale.body).toContain('<input type="hidden" name="version" value="2">');
    expect(stale.body).toContain(`href="/inspections/${inspection.id}" target="_blank"`);
    expect((await opcc.get(`/inspections/${inspection.id}`)).body).not.toContain("Typed elsewhere");

    const editFinding = `/inspections/findings/${finding.id}/edit`;
    const fields = {
      kind: "area_for_improvement",
      text: "Changed text",
      owner: "",
      target_date: "2026-01-31",
      version: "1",
    };
    const clash = await opcc.post(editFinding, { ...fields, reference: taken.reference }, editFinding);
    expect(clash.statusCode).toBe(422);
    expect(clash.body).toContain("This inspection already has a finding with the reference Taken");
    expect((await opcc.post(editFinding, { ...fields, reference: "Mine" }, editFinding)).statusCode).toBe(
      302,
    );
    expect((await opcc.get(`/inspections/findings/${finding.id}`)).body).toContain("Changed text");
    const staleFinding = await opcc.post(
      editFinding,
      { ...fields, reference: "Mine", text: "Lost text" },
      editFinding,
    );
    expect(staleFinding.statusCode).toBe(422);
    expect(staleFinding.body).toContain("This finding was changed since you opened it");
    expect(staleFinding.body).toContain("Lost text");
    expect(staleFinding.body).toContain('<input type="hidden" name="version" value="2">');

    const force = await signedIn("force");
    expect((await force.get(editFinding)).statusCode).toBe(403);
  });
});

describe("the PCC's response over HTTP", () => {
  it("saves edits at the version the page showed, keeps a stale editor's text, and publishes what was read", async () => {
    const db = database.current().db.kysely;
    const inspection = await makeInspection(db, { title: "Response over HTTP" });
    await makeFinding(db, inspection.id, { reference: "R1" });
    const opcc = await signedIn("opcc");
    const page = `/inspections/${inspection.id}/response`;
    expect((await opcc.post(`${page}/draft`, {}, page)).headers.location).toBe(page);
    const [item] = await db.selectFrom("pcc_response_items").select("id").execute();
    const action = `action-${item!.id}`;
    expect((await opcc.get(page)).body).toContain('<input type="hidden" name="version" value="1">');

    const saved = await opcc.post(
      page,
      { introduction: "Intro", [action]: "Recruit by June.", version: "1" },
      page,
    );
    expect(saved.headers.location).toBe(page);
    const stale = await opcc.post(
      page,
      { introduction: "Other intro", [action]: "Typed elsewhere", version: "1" },
      page,
    );
    expect(stale.statusCode).toBe(422);
    expect(stale.body).toContain("This response was changed since you opened it");
    expect(stale.body).toContain("Other intro");
    expect(stale.body).toContain("Typed elsewhere");
    // Both the save and the publish forms now carry the current version.
    expect(stale.body.match(/<input type="hidden" name="version" value="2">/g)).toHaveLength(2);

    const late = await opcc.post(`${page}/publish`, { version: "1" }, page);
    expect(late.statusCode).toBe(422);
    expect(late.body).toContain("This response was changed since you opened it");
    expect(late.body).toContain("Intro");
    expect((await opcc.post(`${page}/publish`, { version: "2" }, page)).headers.location).toBe(page);
    const published = (await new TestClient(app).get(`/peel-and-inspections/responses/${inspection.id}`))
      .body;
    expect(published).toContain("Recruit by June.");
    expect(published).not.toContain("Typed elsewhere");
  });
});

describe("evidence files", () => {
  it("keeps a PDF attached to a progress update for signed-in users, and refuses other content", async () => {
    const db = database.current().db.kysely;
    const finding = await makeFinding(db, (await makeInspection(db)).id);
    const force = await signedIn("force");
    const page = `/inspections/findings/${finding.id}`;
    const fields = { update_date: "2025-06-30", narrative: "Audit attached", rag: "green" };
    const pdf = Buffer.from("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n");
    const saved = await postMultipart(force, `${page}/updates`, page, fields, {
      name: "audit.pdf",
      data: pdf,
    });
    expect(saved.headers.location).toBe(page);
    const [update] = await db
      .selectFrom("finding_updates")
      .selectAll()
      .where("finding_id", "=", finding.id)
      .execute();
    expect(update).toMatchObject({ evidence_file_name: "audit.pdf", evidence_media_type: "application/pdf" });
    expect((await force.get(page)).body).toContain(`href="/inspections/evidence/${update!.id}"`);
    const download = await (await signedIn("panel")).get(`/inspections/evidence/${update!.id}`);
    expect(download.headers["content-type"]).toBe("application/pdf");
    expect(download.rawPayload.equals(pdf)).toBe(true);
    expect((await new TestClient(app).get(`/inspections/evidence/${update!.id}`)).statusCode).toBe(302);

    const filesBefore = await readdir(uploadDir);
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex");
    const refused = await postMultipart(force, `${page}/updates`, page, fields, {
      name: "photo.pdf",
      data: png,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(
      "photo.pdf is not a PDF, Word (DOCX), Excel (XLSX) or PowerPoint (PPTX) file",
    );
    expect(await readdir(uploadDir)).toEqual(filesBefore);
    const count = await db
      .selectFrom("finding_updates")
      .select("id")
      .where("finding_id", "=", finding.id)
      .execute();
    expect(count).toHaveLength(1);
  });
});
