/// <reference lib="dom" />
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { samplePdf } from "../../src/modules/meetings/test-papers.js";
import { createTestUser, testPassword } from "../factories.js";
import { createTestMeeting } from "../factories/actions.js";
import { expectNoAxeViolations, useBrowser } from "./browser.js";

const harness = useBrowser();

async function signIn(page: Page, baseUrl: string, email: string) {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(testPassword);
  await Promise.all([page.waitForURL(`${baseUrl}/`), page.getByRole("button", { name: "Sign in" }).click()]);
}

async function signOut(page: Page) {
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: /Sign out/ }).click()]);
}

async function submit(page: Page, button: string) {
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: button }).click()]);
}

describe("the action tracker in a browser", () => {
  it("an officer raises an action for a force owner, the owner updates it, the officer closes it at a review", async () => {
    const { browser, baseUrl, database } = harness();
    const officer = await createTestUser(database.db, { role: "opcc", name: "Olive Officer" });
    const owner = await createTestUser(database.db, { role: "force", name: "Fergus Force" });
    const { meeting, items } = await createTestMeeting(database.db, {
      date: "2024-03-12",
      title: "Performance Q4 (sample)",
    });
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      // The two refused forms answer 422 on purpose; anything else is a fault.
      if (message.type() === "error" && !message.text().includes("status of 422")) {
        consoleErrors.push(message.text());
      }
    });

    // The officer raises it from a meeting item.
    await signIn(page, baseUrl, officer.email);
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Actions" }).click();
    await page.waitForURL(`${baseUrl}/actions`);
    await expectNoAxeViolations(page);
    await page.goto(`${baseUrl}/actions/new?item=${items[1]!.id}`);
    await expectNoAxeViolations(page);
    await submit(page, "Raise action");
    await expect(page.getByRole("alert").textContent()).resolves.toContain("Describe the action");
    await expectNoAxeViolations(page);
    await page.getByLabel("Action", { exact: true }).fill("Share the SOC delivery plan with the PCC");
    await page.getByLabel("Due date (optional)").fill("2024-04-30");
    await page.getByLabel("Fergus Force").check();
    await submit(page, "Raise action");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("2024/1");
    const actionUrl = page.url();
    await expectNoAxeViolations(page);
    await signOut(page);

    // The force owner finds it among their actions and reports it complete, with evidence.
    await signIn(page, baseUrl, owner.email);
    await page.goto(`${baseUrl}/actions?mine=1`);
    await expectNoAxeViolations(page);
    await page.getByRole("link", { name: "2024/1" }).click();
    await page.waitForURL(actionUrl);
    await page.getByRole("button", { name: "Update this action" }).click();
    await page.waitForURL(`${actionUrl}/update`);
    await expectNoAxeViolations(page);
    await page.getByLabel("Complete – awaiting review").check();
    await page.getByLabel("What has happened").fill("The delivery plan was shared with the PCC.");
    await page.getByLabel("Evidence (optional)", { exact: true }).fill("SOC delivery plan");
    await page.getByLabel("Attach the evidence (optional)").setInputFiles({
      name: "soc-plan.pdf",
      mimeType: "application/pdf",
      buffer: await samplePdf("SOC plan"),
    });
    await submit(page, "Save update");
    await expect(page.locator("body").textContent()).resolves.toContain(
      "The delivery plan was shared with the PCC.",
    );
    await expect(page.getByRole("link", { name: "soc-plan.pdf" }).count()).resolves.toBe(1);
    await expect(page.getByRole("button", { name: "Close this action" }).count()).resolves.toBe(0);
    await expectNoAxeViolations(page);
    await signOut(page);

    // The officer closes it at the meeting's review, after being told to choose the meeting.
    await signIn(page, baseUrl, officer.email);
    await page.goto(`${baseUrl}/actions/changes`);
    await expectNoAxeViolations(page);
    await page.goto(actionUrl);
    await page.getByRole("button", { name: "Close this action" }).click();
    await page.waitForURL(`${actionUrl}/close`);
    await expectNoAxeViolations(page);
    await submit(page, "Close action");
    await expect(page.getByRole("alert").textContent()).resolves.toContain(
      "Choose the meeting whose review closes this action",
    );
    await expectNoAxeViolations(page);
    await page.getByLabel("Meeting whose review closed it").selectOption(String(meeting.id));
    await submit(page, "Close action");
    await expect(page.locator(".govuk-summary-list").textContent()).resolves.toContain("Closed");
    await expect(page.locator("body").textContent()).resolves.toContain(
      "at the review of Performance Q4 (sample)",
    );
    await expectNoAxeViolations(page);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
