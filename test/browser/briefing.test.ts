/// <reference lib="dom" />
import { describe, expect, it } from "vitest";
import { loadMeasuresDemo } from "../../src/modules/measures/measures.demo.js";
import { loadMeetingsDemo } from "../../src/modules/meetings/meetings.demo.js";
import { createTestUser } from "../factories.js";
import { expectNoAxeViolations, signIn, useBrowser } from "./browser.js";

const harness = useBrowser();

describe("the briefing pack in a browser", () => {
  it("generates the pack for the demo meeting, accepts a suggestion and finds it in the notes", async () => {
    const { browser, baseUrl, database } = harness();
    const { db } = database;
    await loadMeasuresDemo(db);
    await loadMeetingsDemo(db.kysely);
    const demo = await db.kysely
      .selectFrom("meetings")
      .select("id")
      .where("period_label", "like", "SAMPLE%")
      .executeTakeFirstOrThrow();
    const officer = await createTestUser(db, { role: "opcc", name: "Olive Officer" });

    const page = await signIn(browser, baseUrl, officer.email);
    await page.goto(`${baseUrl}/meetings/${demo.id}`);
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole("link", { name: "Briefing pack for the chair" }).click(),
    ]);
    await expectNoAxeViolations(page);

    // The demo's force returns run to September 2025: the officer reviews Q2 2025/26.
    await page.getByLabel("Period the meeting reviews").fill("Q2 2025/26");
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole("button", { name: "Generate the briefing pack" }).click(),
    ]);
    await expect(page.getByRole("alert").first().textContent()).resolves.toMatch(/new suggestions/);
    await expectNoAxeViolations(page);

    const card = page
      .locator(".govuk-summary-card", { hasText: "101 calls abandoned in West Mercia Police" })
      .first();
    await expect(card.textContent()).resolves.toContain("11.2% in September 2025");
    const question = card.getByLabel("Line of enquiry");
    const wording = `${await question.inputValue()} (PCC to raise first)`;
    await question.fill(wording);
    await Promise.all([page.waitForNavigation(), card.getByRole("button", { name: /^Accept/ }).click()]);
    await expect(page.getByRole("alert").first().textContent()).resolves.toContain("Suggestion accepted");
    await expectNoAxeViolations(page);

    await Promise.all([
      page.waitForNavigation(),
      page.getByRole("link", { name: /^See it in the notes/ }).click(),
    ]);
    const line = page.locator(".govuk-inset-text", { hasText: "(PCC to raise first)" });
    await expect(line.textContent()).resolves.toContain(`PCC asked: ${wording}`);
    await expect(line.textContent()).resolves.toContain("Further information requested");
  });
});
