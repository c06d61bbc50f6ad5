/// <reference lib="dom" />
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { systemActor } from "../../src/modules/audit/actor.js";
import { addDays, todayInUk } from "../../src/modules/inspections/deadline.js";
import { setGrade } from "../../src/modules/inspections/inspections.service.js";
import { makeInspection } from "../../src/modules/inspections/test-support.js";
import { createTestUser } from "../factories.js";
import { expectNoAxeViolations, signIn, useBrowser } from "./browser.js";

const harness = useBrowser();

/** Submits a form with the named button and waits for the page that follows; every page is checked by axe. */
async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: button, exact: true }).click(),
  ]);
  await expectNoAxeViolations(page);
}

async function visit(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expectNoAxeViolations(page);
}

describe("the inspections register in a browser", () => {
  it("records a PEEL inspection, a cause of concern with two recommendations, progress, assessment and the published response", async () => {
    const { browser, baseUrl, database } = harness();
    const db = database.db.kysely;
    // The PEEL inspection before, so the public page can set the new grades beside the old.
    const previous = await makeInspection(db, { title: "PEEL 2021/22", published_on: "2022-03-10" });
    await setGrade(db, systemActor, previous.id, { question_area: "Investigating crime", grade: "good" });
    await setGrade(db, systemActor, previous.id, {
      question_area: "Responding to the public",
      grade: "adequate",
    });
    const opccUser = await createTestUser(database.db, { role: "opcc", name: "Olive OPCC" });
    const forceUser = await createTestUser(database.db, { role: "force", name: "Fergus Force" });

    // OPCC records the inspection and its grades.
    const opcc = await signIn(browser, baseUrl, opccUser.email);
    await opcc
      .getByRole("navigation", { name: "Main menu" })
      .getByRole("link", { name: "Inspections", exact: true })
      .click();
    await opcc.waitForURL(`${baseUrl}/inspections`);
    await expectNoAxeViolations(opcc);
    await visit(opcc, `${baseUrl}/inspections/import`);
    await visit(opcc, `${baseUrl}/inspections/new`);
    await submit(opcc, "Add inspection");
    await expect(opcc.getByRole("alert").textContent()).resolves.toContain("Enter the report's title");
    await opcc.getByLabel("Kind of inspection").selectOption("peel");
    await opcc.getByLabel("Title of the report").fill("PEEL 2023–25");
    await opcc.getByLabel("Date published").fill(addDays(todayInUk(), -10));
    await opcc
      .getByLabel("Link to the report (optional)")
      .fill("https://hmicfrs.justiceinspectorates.gov.uk/");
    await submit(opcc, "Add inspection");
    await expect(opcc.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("PEEL 2023–25");
    await expect(opcc.getByText("46 days left").isVisible()).resolves.toBe(true);
    const inspectionUrl = opcc.url();

    for (const [area, grade] of [
      ["Investigating crime", "requires_improvement"],
      ["Responding to the public", "good"],
    ] as const) {
      await opcc.getByLabel("Question area").fill(area);
      await opcc.getByLabel("Grade", { exact: true }).selectOption(grade);
      await submit(opcc, "Record grade");
    }
    const grades = opcc.getByRole("table").first();
    await expect(grades.getByRole("row", { name: /Investigating crime/ }).textContent()).resolves.toContain(
      "Requires improvement",
    );

    // A cause of concern and the two recommendations that belong to it.
    await opcc.getByRole("button", { name: "Add a finding" }).click();
    await opcc.waitForURL(/findings\/new$/);
    await expectNoAxeViolations(opcc);
    await opcc.getByLabel("Kind of finding").selectOption("cause_of_concern");
    await opcc.getByLabel("Reference").fill("CoC 1");
    await opcc
      .getByLabel("Text of the finding")
      .fill("The force does not answer enough 999 calls within ten seconds.");
    await opcc.getByLabel("Owner in the force (optional)").fill("ACC Local Policing");
    await submit(opcc, "Add finding");
    for (const reference of ["R1", "R2"]) {
      await visit(opcc, `${inspectionUrl}/findings/new`);
      await opcc.getByLabel("Kind of finding").selectOption("recommendation");
      await opcc
        .getByLabel("Cause of concern it belongs to (recommendations only)")
        .selectOption({ label: "CoC 1: The force does not answer enough 999 calls within ten seconds." });
      await opcc.getByLabel("Reference").fill(reference);
      await opcc
        .getByLabel("Text of the finding")
        .fill(`Recommendation ${reference} under the cause of concern.`);
      await opcc.getByLabel("Target date (optional)").fill("2026-06-30");
      await submit(opcc, "Add finding");
    }
    await opcc.getByRole("link", { name: "CoC 1" }).click();
    await opcc.waitForURL(/\/inspections\/findings\/\d+$/);
    await expectNoAxeViolations(opcc);
    const recommendations = opcc.getByRole("definition").filter({ hasText: "R1" });
    await expect(recommendations.textContent()).resolves.toMatch(/R1[\s\S]*R2/);
    const r1Url = `${baseUrl}${await opcc.getByRole("link", { name: "R1", exact: true }).getAttribute("href")}`;

    // The force reports progress on R1 and moves it on.
    const force = await signIn(browser, baseUrl, forceUser.email);
    await visit(force, r1Url);
    await force.getByLabel("Progress made").fill("Fourteen call handlers recruited; peak rota in place.");
    await force.getByLabel("Amber").check();
    await force.getByLabel("Evidence (optional)").fill("Audit: 84% of 999 calls answered within 10 seconds.");
    await submit(force, "Add update");
    await force.getByLabel("New status").selectOption("in_progress");
    await submit(force, "Change status");
    await expect(force.getByText("changed the status from open to in progress").isVisible()).resolves.toBe(
      true,
    );
    await expect(force.getByLabel("New status").locator("option").allTextContents()).resolves.toEqual([
      "Choose a status",
      "Ready for closure",
    ]);

    // The OPCC assesses the update.
    await visit(opcc, r1Url);
    await opcc.getByLabel("Partially assured").check();
    await opcc.getByLabel("Reason for the assessment").fill("Improving, but below the 90% target.");
    await submit(opcc, "Record assessment");
    await expect(opcc.getByText("Improving, but below the 90% target.").first().isVisible()).resolves.toBe(
      true,
    );

    // The PCC's response: drafted from the register, then published.
    await visit(opcc, `${inspectionUrl}/response`);
    await submit(opcc, "Draft the response from the register");
    const r1Comment = opcc.getByLabel("R1 (recommendation): action taken or planned");
    await expect(r1Comment.inputValue()).resolves.toContain("Fourteen call handlers recruited");
    await r1Comment.fill(
      "The force has recruited call handlers; the PCC will review answer times each quarter.",
    );
    await submit(opcc, "Save the response");
    await submit(opcc, "Publish the response");
    await expect(opcc.getByText("Response published").isVisible()).resolves.toBe(true);
    await visit(opcc, `${baseUrl}/inspections?status=in_progress`);
    await expect(opcc.getByRole("link", { name: "R1", exact: true }).isVisible()).resolves.toBe(true);

    // The public page: the latest grades beside the previous inspection's, and the published response.
    const visitor = await (await browser.newContext()).newPage();
    visitor.setDefaultTimeout(20_000);
    await visit(visitor, `${baseUrl}/`);
    await visitor
      .getByRole("navigation", { name: "Main menu" })
      .getByRole("link", { name: "PEEL and inspections" })
      .click();
    await visitor.waitForURL(`${baseUrl}/peel-and-inspections`);
    await expectNoAxeViolations(visitor);
    const row = visitor.getByRole("row", { name: /Investigating crime/ });
    await expect(row.getByRole("cell").allTextContents()).resolves.toEqual([
      expect.stringContaining("Requires improvement"),
      expect.stringContaining("Good"),
    ]);
    await visitor.getByRole("link", { name: "PEEL 2023–25", exact: true }).click();
    await visitor.waitForURL(/\/peel-and-inspections\/responses\/\d+$/);
    await expectNoAxeViolations(visitor);
    await expect(
      visitor.getByText("the PCC will review answer times each quarter").isVisible(),
    ).resolves.toBe(true);

    await Promise.all([opcc.close(), force.close(), visitor.close()]);
  }, 300_000);
});
