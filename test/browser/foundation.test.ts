/// <reference lib="dom" />
import { describe, expect, it } from "vitest";
import { createTestUser, testPassword } from "../factories.js";
import { expectNoAxeViolations, useBrowser } from "./browser.js";

const harness = useBrowser();

describe("signing in with a browser", () => {
  it("signs in, sees the home page, signs out; the pages pass axe-core", async () => {
    const { browser, baseUrl, database } = harness();
    const user = await createTestUser(database.db, { name: "Bea Browser", role: "admin" });
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });

    await page.goto(`${baseUrl}/sign-in`);
    await expectNoAxeViolations(page);
    await page.getByLabel("Email address").fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(testPassword);
    // Waits for the home page to load, not only for its address: with two files at once, the heading was
    // once looked for before the page had it.
    await Promise.all([
      page.waitForURL(`${baseUrl}/`),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    await expect(page.getByRole("heading", { name: "Welcome, Bea Browser" }).isVisible()).resolves.toBe(true);
    await expectNoAxeViolations(page);
    // govuk-frontend's script ran under the Content-Security-Policy.
    await expect(
      page.evaluate(() => document.body.classList.contains("govuk-frontend-supported")),
    ).resolves.toBe(true);

    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: /Sign out/ }).click()]);
    const menu = page.getByRole("navigation", { name: "Main menu" });
    await expect(menu.getByRole("link", { name: "Sign in" }).isVisible()).resolves.toBe(true);
    await expect(menu.getByRole("button", { name: /Sign out/ }).count()).resolves.toBe(0);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it("shows the error summary for a wrong password, and it passes axe-core", async () => {
    const { browser, baseUrl } = harness();
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel("Email address").fill("nobody@example.org");
    await page.getByLabel("Password", { exact: true }).fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain(
      "The email address or password is not right",
    );
    await expectNoAxeViolations(page);
    await page.close();
  });
});
