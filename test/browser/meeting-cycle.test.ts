/// <reference lib="dom" />
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { createTestAction } from "../factories/actions.js";
import { samplePdf } from "../../src/modules/meetings/test-papers.js";
import { createTestUser } from "../factories.js";
import { dayFromToday, expectNoAxeViolations, signIn, useBrowser } from "./browser.js";

// The accountability cycle as the OPCC and the force live it, from planning to the public page; every page
// on the way is checked with axe-core. All names and text are invented for the test.

const harness = useBrowser();

/** Presses a form's button; the page it leads to is checked with axe-core unless it was checked just before. */
async function submit(page: Page, button: string, check: "check" | "seen" = "check"): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: button }).click()]);
  if (check === "check") await expectNoAxeViolations(page);
}

async function follow(page: Page, link: RegExp | string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: link }).first().click()]);
  await expectNoAxeViolations(page);
}

const flash = (page: Page) => page.getByRole("alert").first().textContent();

describe("the accountability cycle in a browser", () => {
  it("plans, takes a late paper and an action update, records notes and an action, publishes", async () => {
    const { browser, baseUrl, database } = harness();
    const officer = await createTestUser(database.db, { role: "opcc", name: "Olive Officer" });
    const contributor = await createTestUser(database.db, { role: "force", name: "Frank Force" });
    const earlier = await createTestAction(database.db, {
      raisedOn: dayFromToday(-90),
      ownerUsers: String(contributor.id),
      description: "Share the serious organised crime delivery plan with the PCC",
    });

    // The OPCC officer plans a quarterly meeting (tomorrow) from the template and asks for a restricted paper
    // whose deadline has already passed.
    const opcc = await signIn(browser, baseUrl, officer.email);
    await opcc.goto(`${baseUrl}/meetings`);
    await expectNoAxeViolations(opcc);
    await Promise.all([
      opcc.waitForNavigation(),
      opcc.getByRole("button", { name: "Plan a meeting" }).click(),
    ]);
    await expectNoAxeViolations(opcc);
    await opcc.getByLabel("Assurance & Accountability – Performance").check();
    await opcc.getByLabel("Period (for a quarterly meeting)").fill("Quarter 4 – 2026/27");
    await opcc.getByLabel("Date").fill(dayFromToday(1));
    await opcc.getByLabel("Start time").fill("10:00");
    await opcc.getByLabel("End time").fill("12:30");
    await opcc.getByLabel("Venue").fill("Sample venue");
    await submit(opcc, "Plan meeting");
    const meetingUrl = opcc.url();
    expect(meetingUrl).toMatch(/\/meetings\/\d+$/);

    await follow(opcc, /Edit item 3/);
    const itemUrl = opcc.url();
    await opcc.getByLabel("Description").fill("Quarterly performance paper (vetting annex)");
    await opcc.getByLabel("Who provides it").fill("T/CC");
    await opcc.getByLabel("Deadline date").fill(dayFromToday(-1));
    await opcc.getByLabel("Restricted: never shown to the public").check();
    await submit(opcc, "Request paper", "seen");
    await expect(flash(opcc)).resolves.toContain("Requested from T/CC");

    // The force contributor uploads the paper late, then updates the action the force owns.
    const force = await signIn(browser, baseUrl, contributor.email);
    await force.goto(meetingUrl);
    await expectNoAxeViolations(force);
    await follow(force, /Upload/);
    await force
      .getByLabel("File")
      .setInputFiles({ name: "performance.pdf", mimeType: "application/pdf", buffer: await samplePdf() });
    await submit(force, "Upload paper");
    await expect(flash(force)).resolves.toContain("Paper uploaded for item 3");
    await expect(force.getByText("Late", { exact: true }).count()).resolves.toBe(1);

    await force.goto(`${baseUrl}/actions?mine=1`);
    await expectNoAxeViolations(force);
    await follow(force, `${earlier.year}/${earlier.number}`);
    await Promise.all([
      force.waitForNavigation(),
      force.getByRole("button", { name: "Update this action" }).click(),
    ]);
    await expectNoAxeViolations(force);
    await force.getByLabel("In progress").check();
    await force
      .getByLabel("What has happened")
      .fill("The delivery plan is drafted and goes to the PCC next week.");
    await submit(force, "Save update");
    await expect(flash(force)).resolves.toContain(`Action ${earlier.year}/${earlier.number} updated`);

    // The officer writes the notes of item 3 with a line of enquiry, and raises an action there.
    await opcc.goto(itemUrl);
    await opcc
      .getByLabel("Notes (Markdown)")
      .fill("The T/CC presented the **quarterly** assessment of performance.");
    await submit(opcc, "Save notes", "seen");
    await expect(flash(opcc)).resolves.toContain("Notes saved");
    await opcc.getByLabel("Asked by").fill("PCC");
    await opcc.getByLabel("Question").fill("What is driving the rise in shoplifting?");
    await opcc
      .getByLabel("Response")
      .fill("Organised groups from outside the force area; a problem-solving plan is in place.");
    await opcc.getByLabel("Partially assured").check();
    await submit(opcc, "Record line of enquiry");
    await expect(flash(opcc)).resolves.toContain("Line of enquiry recorded");
    await follow(opcc, "Raise an action at this item");
    await opcc
      .getByLabel("Action", { exact: true })
      .fill("Share the shoplifting problem-solving plan with the PCC");
    await opcc.getByLabel("Roles").fill("T/CC");
    await submit(opcc, "Raise action");
    await expect(flash(opcc)).resolves.toMatch(/Action \d{4}\/\d+ raised/);

    // Approved and published: the staff page shows the action arising, and the tracker's update.
    await opcc.goto(meetingUrl);
    await expectNoAxeViolations(opcc);
    for (const step of ["agenda published", "held", "notes drafted", "notes approved"]) {
      await submit(opcc, `Mark as ${step}`, "seen");
    }
    await submit(opcc, "Mark as published");
    await expect(flash(opcc)).resolves.toContain("The meeting is now: Published");
    const staffPage = await opcc.locator("main").textContent();
    expect(staffPage).toContain("Share the shoplifting problem-solving plan with the PCC");
    expect(staffPage).toContain("Quarterly performance paper (vetting annex)");

    // Signed out, the public reads the published notes, and nothing restricted.
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`${baseUrl}/meetings`);
    await expectNoAxeViolations(visitor);
    await follow(visitor, /Quarter 4 – 2026\/27/);
    const publicPage = await visitor.locator("main").textContent();
    expect(publicPage).toContain("The T/CC presented the quarterly assessment of performance.");
    expect(publicPage).toContain("What is driving the rise in shoplifting?");
    expect(publicPage).toContain("Partially assured");
    expect(publicPage).not.toContain("vetting annex");
    expect(publicPage).not.toContain("performance.pdf");
    // Under a minute on an idle machine; the limit leaves room for a shared, busy one.
  }, 120_000);
});
