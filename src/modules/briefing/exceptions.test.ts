import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { parsePeriod } from "../../stats/periods.js";
import { systemActor } from "../audit/actor.js";
import { loadMeasuresDemo } from "../measures/measures.demo.js";
import { saveSingleValue } from "../measures/measures.service.js";
import { findMeasureExceptions, type MeasureException } from "./exceptions.js";

// The SAMPLE force returns of the demonstration (data/measures/examples), as the office would load them.
const database = useTestDatabase();

beforeAll(async () => {
  await loadMeasuresDemo(database.current().db);
});

const exceptionsFor = (period: string, options: { areaCode?: string; measureIds?: string[] } = {}) =>
  findMeasureExceptions(database.current().db.kysely, { period: parsePeriod(period), ...options });

const find = (found: MeasureException[], measureId: string, kind: MeasureException["kind"]) =>
  found.find((e) => e.measureId === measureId && e.kind === kind);

describe("exceptions in the demonstration's force returns", () => {
  it("flags a point beyond the process limits as special cause, citing the limits and the definition", async () => {
    const abandoned = find(await exceptionsFor("Q2 2025/26"), "calls.101-abandonment", "spc-improvement");
    expect(abandoned?.figure).toMatch(
      /^101 calls abandoned in West Mercia Police: 11\.2% in September 2025 is a special cause of improvement \(below the lower process limit; mean 17\.8%, process limits 12\.5% to 23\.1%\)\. Definition: Calls to the 101/,
    );
    expect(abandoned).toMatchObject({
      measureId: "calls.101-abandonment",
      measureName: "101 calls abandoned",
      kind: "spc-improvement",
      period: "2025-09",
      question:
        "101 calls abandoned in West Mercia Police is a special cause of improvement in September 2025 " +
        "(11.2%: below the lower process limit): what has brought the improvement about, and how will it be sustained?",
    });
  });

  it("flags a change beyond chance on the same period last year, and asks about a worsening as one", async () => {
    const satisfaction = find(
      await exceptionsFor("Q2 2025/26"),
      "victims.satisfaction-overall",
      "change-vs-last-year",
    );
    expect(satisfaction?.period).toBe("Q2 2025/26");
    expect(satisfaction?.figure).toContain("fell from 76.8% to 66.7% in Q2 2025/26 compared with Q2 2024/25");
    expect(satisfaction?.figure).toContain("this is a fall beyond chance");
    expect(satisfaction?.question).toBe(
      "Victim satisfaction: whole experience in West Mercia Police fell from 76.8% in Q2 2024/25 to 66.7% in " +
        "Q2 2025/26, beyond chance: what is behind it, and what is being done about it?",
    );
  });

  it("flags a target the process as it stands will consistently miss", async () => {
    const calls = find(
      await exceptionsFor("Q4 2024/25"),
      "calls.999-answered-within-10-seconds",
      "target-failing",
    );
    expect(calls?.figure).toContain("the target of 90% lies outside the process limits (82.3% to 89.9%");
    expect(calls?.question).toContain("consistently misses its target of 90% (mean 86.1% to March 2025)");
  });

  it("leaves out changes that are within chance and measures with no figure for the period", async () => {
    const found = await exceptionsFor("Q2 2025/26");
    expect(found.filter((e) => e.kind === "change-vs-last-year").map((e) => e.measureId)).not.toContain(
      "attendance.grade-2-within-target",
    );
    expect(await exceptionsFor("Q2 2030/31")).toEqual([]);
  });

  it("looks only at the measures asked for", async () => {
    const found = await exceptionsFor("Q2 2025/26", { measureIds: ["victims.satisfaction-overall"] });
    expect(found.map((e) => e.measureId)).toEqual(["victims.satisfaction-overall"]);
  });
});

describe("exceptions from figures added to the returns", () => {
  it("flags a special cause of concern when a figure falls below the lower process limit", async () => {
    const { kysely } = database.current().db;
    await saveSingleValue(kysely, systemActor, "attendance.grade-1-within-target", {
      period: "2025-10",
      area: "west-mercia",
      value: "60.0",
      numerator: "2400",
      denominator: "4000",
      note: "SAMPLE: invented for this test",
    });
    const concern = find(await exceptionsFor("2025-10"), "attendance.grade-1-within-target", "spc-concern");
    expect(concern?.period).toBe("2025-10");
    expect(concern?.figure).toMatch(
      /60% in October 2025 is a special cause of concern \(below the lower process limit;/,
    );
    expect(concern?.question).toMatch(/: what is driving it, and what is being done about it\?$/);
  });

  it("flags a force significantly worse than its most similar group, in the funnel plot's words", async () => {
    const { kysely } = database.current().db;
    for (const [force, satisfied] of [
      ["staffordshire", 352],
      ["warwickshire", 349],
      ["west-midlands", 355],
      ["derbyshire", 347],
    ] as const) {
      await saveSingleValue(kysely, systemActor, "victims.satisfaction-overall", {
        period: "Q2 2025/26",
        area: force,
        value: String(Math.round((satisfied / 400) * 1000) / 10),
        numerator: String(satisfied),
        denominator: "400",
        note: "SAMPLE: invented for this test",
      });
    }
    const worse = find(await exceptionsFor("Q2 2025/26"), "victims.satisfaction-overall", "msg-worse");
    // Last of the group (forces outside West Mercia's most similar group are left out of it).
    expect(worse?.figure).toMatch(/West Mercia Police is (\d)th of \1 in its most similar group/);
    expect(worse?.figure).toContain("significantly below the group average at 95%");
    expect(worse?.question).toMatch(
      /^Victim satisfaction: whole experience: West Mercia Police is (\d)th of \1 in its most similar group in Q2 2025\/26, significantly below the group average at 95% .*\(so worse\): what explains the gap/,
    );
  });
});
