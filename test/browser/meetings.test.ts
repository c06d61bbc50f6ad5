/// <reference lib="dom" />
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { loadMeetingsDemo } from "../../src/modules/meetings/meetings.demo.js";
import { samplePdf } from "../../src/modules/meetings/test-papers.js";
import { createTestUser } from "../factories.js";
import { dayFromToday, expectNoAxeViolations, signIn, useBrowser } from "./browser.js";

const harness = useBrowser();

async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: button }).click()]);
}

describe("the meeting cycle in a browser", () => {
  it("plans from the template, takes a late paper, records notes, publishes; every page passes axe-core", async () => {
    const { browser, baseUrl, database } = harness();
    const officer = await createTestUser(database.db, { role: "opcc", name: "Olive Officer" });
    const contributor = await createTestUser(database.db, { role: "force", name: "Frank Force" });
    const meetingDate = dayFromToday(1);
    const lateDeadline = dayFromToday(-1);

    // The OPCC officer plans a quarterly meeting from the template.
    const opcc = await signIn(browser, baseUrl, officer.email);
    await opcc.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Meetings" }).click();
    await opcc.waitForURL(`${baseUrl}/meetings`);
    await expectNoAxeViolations(opcc);
    await Promise.all([
      opcc.waitForNavigation(),
      opcc.getByRole("button", { name: "Plan a meeting" }).click(),
    ]);
    await expectNoAxeViolations(opcc);
    await opcc.getByLabel("Assurance & Accountability – Performance").check();
    await opcc.getByLabel("Period (for a quarterly meeting)").fill("Quarter 3 – 2026/27");
    await opcc.getByLabel("Date").fill(meetingDate);
    await opcc.getByLabel("Start time").fill("10:00");
    await opcc.getByLabel("End time").fill("09:00");
    await submit(opcc, "Plan meeting");
    await expect(opcc.getByRole("alert").textContent()).resolves.toContain(
      "The end time must be after the start time",
    );
    await expectNoAxeViolations(opcc);
    await opcc.getByLabel("End time").fill("12:30");
    await opcc.getByLabel("Venue").fill("Hindlip Park");
    await submit(opcc, "Plan meeting");
    const meetingUrl = opcc.url();
    expect(meetingUrl).toMatch(/\/meetings\/\d+$/);
    await expect(opcc.getByRole("heading", { name: /Summary of Actions Arising/ }).count()).resolves.toBe(1);
    await expectNoAxeViolations(opcc);

    // It requests a paper for item 3, first with a deadline after the meeting.
    await Promise.all([opcc.waitForNavigation(), opcc.getByRole("link", { name: /Edit item 3/ }).click()]);
    await expectNoAxeViolations(opcc);
    await opcc.getByLabel("Description").fill("Quarterly performance paper");
    await opcc.getByLabel("Who provides it").fill("T/CC");
    await opcc.getByLabel("Deadline date").fill(dayFromToday(2));
    await submit(opcc, "Request paper");
    await expect(opcc.getByRole("alert").textContent()).resolves.toContain(
      "The deadline must be before the meeting starts",
    );
    await expectNoAxeViolations(opcc);
    await opcc.getByLabel("Deadline date").fill(lateDeadline);
    await submit(opcc, "Request paper");
    await expect(opcc.getByRole("alert").textContent()).resolves.toContain("Requested from T/CC");

    // The force contributor uploads it, after the deadline.
    const force = await signIn(browser, baseUrl, contributor.email);
    await force.goto(meetingUrl);
    await expectNoAxeViolations(force);
    await Promise.all([force.waitForNavigation(), force.getByRole("link", { name: /Upload/ }).click()]);
    await expectNoAxeViolations(force);
    await force
      .getByLabel("File")
      .setInputFiles({ name: "performance.pdf", mimeType: "application/pdf", buffer: await samplePdf() });
    await submit(force, "Upload paper");
    await expect(force.getByRole("alert").textContent()).resolves.toContain("Paper uploaded for item 3");
    await expect(force.getByText("Late", { exact: true }).count()).resolves.toBe(1);

    // The officer records notes and a line of enquiry, and restricts the AOB item.
    await opcc.reload();
    await opcc
      .getByLabel("Notes (Markdown)")
      .fill("## Performance\n\nThe T/CC presented the **quarterly** assessment.");
    await submit(opcc, "Save notes");
    await opcc.getByLabel("Asked by").fill("PCC");
    await opcc.getByLabel("Question").fill("What is driving the rise in neighbourhood crime?");
    await opcc
      .getByLabel("Response")
      .fill("Shoplifting in two town centres; a problem-solving plan is in place.");
    await opcc.getByLabel("Partially assured").check();
    await submit(opcc, "Record line of enquiry");
    await expect(opcc.getByRole("alert").textContent()).resolves.toContain("Line of enquiry recorded");
    await expectNoAxeViolations(opcc);
    await opcc.goto(meetingUrl);
    await Promise.all([opcc.waitForNavigation(), opcc.getByRole("link", { name: /Edit item 6/ }).click()]);
    await opcc.getByLabel("Notes (Markdown)").fill("Restricted discussion of a live investigation.");
    await submit(opcc, "Save notes");
    await opcc.getByLabel("Restricted item: never shown to the public").check();
    await submit(opcc, "Save item details");

    // Through the cycle to publication.
    await opcc.goto(meetingUrl);
    for (const step of ["agenda published", "held", "notes drafted", "notes approved", "published"]) {
      await submit(opcc, `Mark as ${step}`);
    }
    await expect(opcc.getByRole("alert").textContent()).resolves.toContain("The meeting is now: Published");
    await expectNoAxeViolations(opcc);

    // The public reads the notes without signing in, and sees nothing restricted.
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(baseUrl);
    await expectNoAxeViolations(visitor);
    await Promise.all([
      visitor.waitForNavigation(),
      visitor.getByRole("link", { name: /Quarter 3 – 2026\/27/ }).click(),
    ]);
    await expectNoAxeViolations(visitor);
    const body = await visitor.locator("main").textContent();
    expect(body).toContain("The T/CC presented the quarterly assessment.");
    expect(body).toContain("What is driving the rise in neighbourhood crime?");
    expect(body).toContain("Partially assured");
    expect(body).not.toContain("live investigation");
    expect(body).not.toContain("Any Other Business");
    await visitor.goto(`${baseUrl}/meetings`);
    await expectNoAxeViolations(visitor);
  });

  it("shows the administration pages, the import and the imported West Mercia notes without axe-core violations", async () => {
    const { browser, baseUrl, database } = harness();
    await loadMeetingsDemo(database.db.kysely);
    const admin = await createTestUser(database.db, { role: "admin" });
    const page = await signIn(browser, baseUrl, admin.email);
    const westMercia = await database.db.kysely
      .selectFrom("meetings")
      .select("id")
      .where("date", "=", "2023-12-11")
      .executeTakeFirstOrThrow();
    const paths = [
      "/meetings",
      "/meetings/types",
      "/meetings/people",
      `/meetings/${westMercia.id}/edit`,
      "/meetings/import",
    ];
    for (const path of paths) {
      await page.goto(`${baseUrl}${path}`);
      await expectNoAxeViolations(page);
    }
    await submit(page, "Import as a draft");
    await expect(page.getByRole("alert").textContent()).resolves.toContain("The text gives no meeting date");
    await expectNoAxeViolations(page);

    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`${baseUrl}/meetings`);
    await Promise.all([
      visitor.waitForNavigation(),
      visitor.getByRole("link", { name: /Quarter 2 – 2023\/24/ }).click(),
    ]);
    await expectNoAxeViolations(visitor);
    const body = await visitor.locator("main").textContent();
    expect(body).toContain("Published by the Office of the West Mercia PCC");
    expect(body).toContain("Alex Murray");
    expect(body).not.toContain("SAMPLE");
  });
});
