/// <reference lib="dom" />
import axe from "axe-core";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { testApp } from "../helpers/http.js";
import { testPassword } from "../factories.js";
import { londonLocal } from "../../src/modules/meetings/deadlines.js";

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface BrowserHarness {
  database: TestDatabase;
  baseUrl: string;
  browser: Browser;
}

/** A Scrutineer on a free port over a fresh database, and Debian's Chromium headless, for one test file. */
export function useBrowser(): () => BrowserHarness {
  let harness: BrowserHarness | undefined;
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    const database = await createTestDatabase();
    app = await testApp(database.db);
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    // Playwright gives each launch a fresh, empty profile of its own.
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    harness = { database, baseUrl: address, browser };
  });
  afterAll(async () => {
    await harness?.browser.close();
    await app?.close();
    await harness?.database.drop();
  });
  return () => {
    if (!harness) throw new Error("The browser harness starts in beforeAll");
    return harness;
  };
}

/** Runs axe-core in the page (WCAG 2.0–2.2 A and AA rules) and fails the test on any violation. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  await page.evaluate(axe.source);
  const result = await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
      },
    }),
  );
  const violations = result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
  );
  expect(violations, `axe-core violations on ${page.url()}`).toEqual([]);
}

/** A new browser context signed in as the user (the factories' password); a missing step fails within 20 s. */
export async function signIn(browser: Browser, baseUrl: string, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(testPassword);
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign in" }).click()]);
  return page;
}

/** The date `days` from today in London, as YYYY-MM-DD. */
export function dayFromToday(days: number): string {
  const date = new Date(`${londonLocal(new Date()).slice(0, 10)}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
