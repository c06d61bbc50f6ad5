/// <reference lib="dom" />
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rootDir } from "../../src/lib/paths.js";
import { systemActor } from "../../src/modules/audit/actor.js";
import { ingestPath } from "../../src/modules/crime/ingest.service.js";
import { loadReferenceData } from "../../src/modules/crime/reference.js";
import { addDays, todayInUk } from "../../src/modules/inspections/deadline.js";
import { loadMeasuresDemo } from "../../src/modules/measures/measures.demo.js";
import { createTestUser, testPassword } from "../factories.js";
import { createTestAction, createTestMeeting } from "../factories/actions.js";
import { createTestPaperRequest } from "../factories/meeting-papers.js";
import { expectNoAxeViolations, useBrowser } from "./browser.js";

const harness = useBrowser();

describe("the performance explorer and the home dashboard in a browser", () => {
  it("explores a measure with interactive charts, downloads its CSV, and both pages pass axe-core", async () => {
    const { browser, baseUrl, database } = harness();
    const db = database.db;
    await loadMeasuresDemo(db);
    const reference = await loadReferenceData();
    for (const month of ["2025-01", "2025-02", "2025-03"]) {
      const archive = join(rootDir, "data", "demo", "police-uk", `${month}.zip`);
      for await (const result of ingestPath(db, archive, {
        reference,
        actor: systemActor,
        forceIds: ["west-mercia", "norfolk"],
      })) {
        expect(result.status).toBe("loaded");
      }
    }
    const today = todayInUk();
    const { meeting, items } = await createTestMeeting(db, { date: addDays(today, 10), status: "planned" });
    await createTestPaperRequest(db, meeting.id, items[1]!.id, { deadlineDate: addDays(today, -1) });
    await createTestAction(db, {
      dueDate: addDays(today, -3),
      raisedOn: addDays(today, -40),
      ownerRoles: "ACC",
    });
    const user = await createTestUser(db, { role: "opcc" });

    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel("Email address").fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(testPassword);
    await Promise.all([
      page.waitForURL(`${baseUrl}/`),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    await expect(page.getByRole("heading", { name: "Late papers" }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("table", { name: "Overdue actions" }).isVisible()).resolves.toBe(true);
    await expectNoAxeViolations(page);

    await page
      .getByRole("navigation", { name: "Main menu" })
      .getByRole("link", { name: "Performance" })
      .click();
    await page.waitForURL(`${baseUrl}/performance`);
    await page.getByLabel("Measure").selectOption("crimes.burglary");
    await page.getByLabel("Period").fill("2025-03");
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Show" }).click()]);
    // charts.js replaces each server-drawn SVG with an interactive chart; the data tables stay.
    await expect
      .poll(() => page.locator("figure[data-chart-option] [data-chart-image] > div[role=img]").count())
      .toBe(5);
    await expect(page.locator("figure[data-chart-option] table").count()).resolves.toBe(5);
    await expect(page.getByRole("heading", { name: "Hot spots" }).isVisible()).resolves.toBe(true);
    await expectNoAxeViolations(page);
    await page.screenshot({ path: "/tmp/explorer.png", fullPage: true });

    const csvHref = await page
      .getByRole("link", { name: "Download what is shown as CSV" })
      .getAttribute("href");
    expect(csvHref).toBe(
      "/performance.csv?measure=crimes.burglary&area=west-mercia&period=2025-03&crimeType=Burglary",
    );
    const csv = await page.evaluate(async (href) => (await fetch(href)).text(), csvHref!);
    expect(csv.split("\n")[0]).toMatch(/^section,area_code,area,period,value/);
    expect(csv).toContain("SPC,west-mercia,West Mercia Police,2025-03,");

    // A wrong period comes back as an error summary linked to the field, which passes axe-core too.
    await page.getByLabel("Period").fill("March");
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Show" }).click()]);
    await expect(page.getByRole("alert").textContent()).resolves.toContain('"March" is not a period');
    await expectNoAxeViolations(page);
    expect(consoleErrors.filter((text) => !text.includes("status of 422"))).toEqual([]);
    await page.close();
  });
});
