/// <reference lib="dom" />
import { beforeAll, describe, expect, it } from "vitest";
import { loadInspectionsDemo } from "../../src/modules/inspections/inspections.demo.js";
import { loadMeasuresDemo } from "../../src/modules/measures/measures.demo.js";
import { loadMeetingsDemo, westMerciaAttribution } from "../../src/modules/meetings/meetings.demo.js";
import { loadPublicationDemo } from "../../src/modules/publication/publication.demo.js";
import { expectNoAxeViolations, useBrowser } from "./browser.js";

const harness = useBrowser();

/** Each public page with a heading it must show, with or without JavaScript. */
let pages: { path: string; heading: string | RegExp; text: string }[] = [];

beforeAll(async () => {
  const { db } = harness().database;
  await loadMeetingsDemo(db.kysely);
  await loadInspectionsDemo(db.kysely);
  await loadMeasuresDemo(db);
  await loadPublicationDemo(db);
  const meeting = await db.kysely
    .selectFrom("meetings")
    .select(["id", "title", "period_label"])
    .where("attribution", "=", westMerciaAttribution)
    .executeTakeFirstOrThrow();
  const statement = await db.kysely
    .selectFrom("priority_statements")
    .select("id")
    .where("status", "=", "published")
    .executeTakeFirstOrThrow();
  pages = [
    {
      path: "/",
      heading: "Holding the police to account",
      text: "Performance summary for the latest quarter",
    },
    { path: "/publications", heading: "Publications", text: "The latest PEEL inspection report" },
    {
      path: "/publications/national-priorities",
      heading: /SAMPLE: Statement on the force's contribution/,
      text: "Homicides, rolling 12 months",
    },
    {
      path: `/publications/national-priorities/${statement.id}`,
      heading: /SAMPLE: Statement on the force's contribution/,
      text: "Reduce serious violence",
    },
    {
      path: "/publications/performance",
      heading: "Performance summary: Q4 2025/26",
      text: "Homicides, rolling 12 months: values, mean and process limits",
    },
    {
      path: "/publications/complaints",
      heading: "Complaints about the police",
      text: "The PCC expressed concern on the number of complaints recorded",
    },
    { path: "/peel-and-inspections", heading: "PEEL and inspections", text: "Latest PEEL grades" },
    { path: "/meetings", heading: /Meetings/, text: meeting.title },
    {
      path: `/meetings/${meeting.id}`,
      heading: meeting.period_label ?? meeting.title,
      text: "Complaints and conducts",
    },
  ];
});

// Nine pages in one test each, on a machine shared with other work: longer than the default timeout.
describe("the public site, signed out", () => {
  it("passes axe-core on every public page", async () => {
    const { browser, baseUrl } = harness();
    const page = await browser.newPage();
    for (const { path, heading } of pages) {
      const response = await page.goto(`${baseUrl}${path}`);
      expect(response?.status(), path).toBe(200);
      await expect(page.getByRole("heading", { level: 1, name: heading }).count(), path).resolves.toBe(1);
      await expectNoAxeViolations(page);
    }
    await page.close();
  }, 240_000);

  it("shows every public page's content with JavaScript disabled", async () => {
    const { browser, baseUrl } = harness();
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    for (const { path, heading, text } of pages) {
      await page.goto(`${baseUrl}${path}`);
      await expect(page.getByRole("heading", { level: 1, name: heading }).isVisible(), path).resolves.toBe(
        true,
      );
      await expect(page.getByText(text).first().isVisible(), path).resolves.toBe(true);
    }
    // The charts are drawn on the server: the SVG and its data table are there without script.
    await page.goto(`${baseUrl}/publications/performance`);
    await expect(page.locator("figure svg[role=img]").count()).resolves.toBeGreaterThan(0);
    await expect(page.locator("figure table").count()).resolves.toBeGreaterThan(0);
    await context.close();
  }, 120_000);

  it("reaches the performance summary and the publications from the home page by keyboard alone", async () => {
    const { browser, baseUrl } = harness();
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/`);
    for (const [linkText, heading] of [
      ["Performance summary for the latest quarter", "Performance summary: Q4 2025/26"],
      ["The commissioner's statutory publications", "Publications"],
    ] as const) {
      await page.goto(`${baseUrl}/`);
      let focused = "";
      for (let presses = 0; presses < 40 && focused !== linkText; presses++) {
        await page.keyboard.press("Tab");
        focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? "");
      }
      expect(focused).toBe(linkText);
      await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
      await expect(page.getByRole("heading", { level: 1, name: heading }).isVisible()).resolves.toBe(true);
    }
    await page.close();
  });
});
