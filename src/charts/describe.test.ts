import { describe, expect, it } from "vitest";
import { compareCounts, compareProportions } from "../stats/change.js";
import { compareWithMsg } from "../stats/msg.js";
import {
  describeCountChange,
  describeMsg,
  describeProportionChange,
  describeSmallMultiples,
  describeSpc,
  describeTrend,
} from "./describe.js";
import { spcExample } from "./spc-examples.fixture.js";

const definition = "crimes recorded, data.police.uk street-level data; anti-social behaviour excluded";

describe("SPC descriptions", () => {
  it("says a real common-cause series has no signal, and that its limits are provisional", () => {
    const { points } = spcExample("ex_west_mercia_bicycle_theft");
    expect(describeSpc({ measure: "Bicycle theft in West Mercia", points, definition })).toBe(
      "Bicycle theft in West Mercia, January 2025 to December 2025: the mean is 61.5, with process limits of 26 to 97. " +
        "The latest point, December 2025 (51), shows only common cause variation. " +
        "No point shows special cause variation. " +
        "The limits are provisional: they rest on 12 points, fewer than 13. " +
        "Definition: crimes recorded, data.police.uk street-level data; anti-social behaviour excluded.",
    );
  });

  it("names the latest signal, counts all signals and reads the target against the limits", () => {
    const { points } = spcExample("ex_west_mercia_robbery_target");
    expect(describeSpc({ measure: "Robbery in West Mercia", points })).toBe(
      "Robbery in West Mercia, January 2025 to December 2025: the mean is 67.8, with process limits of 42.4 to 93.1. " +
        "The latest point, December 2025 (73), is a special cause of concern: 7 or more points in a row above the mean. " +
        "Special cause points in all: 2 of improvement and 8 of concern. " +
        "The target of 50 lies within the process limits, so it will sometimes be met and sometimes missed by chance alone. " +
        "The limits are provisional: they rest on 12 points, fewer than 13.",
    );
  });

  it("describes the limits since a rebase", () => {
    const { points } = spcExample("ex_rebase");
    expect(describeSpc({ measure: "Example", points }).split(". ")[0]).toBe(
      "Example, April 2021 to September 2023, with the limits recalculated from October 2022: " +
        "the mean since then is 15.2, with process limits of 9.6 to 20.7",
    );
  });
});

describe("change descriptions", () => {
  it("reports a rise beyond chance on the same quarter last year", () => {
    expect(
      describeCountChange({
        measure: "Shoplifting",
        change: compareCounts(1142, 1020),
        current: { kind: "financialQuarter", startYear: 2025, quarter: 2 },
        previous: { kind: "financialQuarter", startYear: 2024, quarter: 2 },
        definition,
      }),
    ).toBe(
      "Shoplifting rose 12% in Q2 2025/26 compared with Q2 2024/25, the same quarter last year " +
        "(from 1,020 to 1,142); this is beyond chance (p = 0.009). Definition: " +
        definition +
        ".",
    );
  });

  it("says plainly when a change is not significant", () => {
    expect(
      describeCountChange({
        measure: "Burglary",
        change: compareCounts(298, 310),
        current: { kind: "month", year: 2025, month: 3 },
        previous: { kind: "month", year: 2025, month: 2 },
      }),
    ).toBe(
      "Burglary fell 3.9% in March 2025 compared with February 2025, the previous month (from 310 to 298); " +
        "this is not a significant change (p = 0.66).",
    );
  });

  it("reports an unchanged count and an untestable one", () => {
    const march = { kind: "month", year: 2025, month: 3 } as const;
    const lastMarch = { kind: "month", year: 2024, month: 3 } as const;
    expect(
      describeCountChange({
        measure: "Robbery",
        change: compareCounts(40, 40),
        current: march,
        previous: lastMarch,
      }),
    ).toBe(
      "Robbery was unchanged in March 2025 compared with March 2024, the same month last year (40 in both); " +
        "this is not a significant change (p = 1.00).",
    );
    expect(
      describeCountChange({
        measure: "Arson",
        change: compareCounts(0, 0),
        current: march,
        previous: lastMarch,
      }),
    ).toBe(
      "Arson: none in March 2025 compared with March 2024, the same month last year, so no test is possible.",
    );
  });

  it("reports a change in a proportion with its interval", () => {
    expect(
      describeProportionChange({
        measure: "Satisfaction with the police",
        change: compareProportions({ successes: 412, total: 560 }, { successes: 380, total: 575 }),
        current: { kind: "financialYear", startYear: 2024 },
        previous: { kind: "financialYear", startYear: 2023 },
      }),
    ).toBe(
      "Satisfaction with the police rose from 66.1% to 73.6% in 2024/25 compared with 2023/24, the previous year " +
        "(560 and 575 responses); this is a rise beyond chance (+7.5 percentage points, 95% interval 2.1 to 12.8).",
    );
  });
});

describe("MSG descriptions", () => {
  // Sample figures (not real): victims satisfied out of those surveyed.
  const figures = [
    { forceId: "west-mercia", numerator: 150, denominator: 220, complete: true },
    { forceId: "norfolk", numerator: 170, denominator: 230, complete: true },
    { forceId: "suffolk", numerator: 120, denominator: 200, complete: true },
    { forceId: "wiltshire", numerator: 90, denominator: 210, complete: true },
    {
      forceId: "gloucestershire",
      numerator: 40,
      denominator: 90,
      complete: false,
      note: "Survey not run in Q4.",
    },
  ];
  const forceNames = {
    "west-mercia": "West Mercia",
    gloucestershire: "Gloucestershire",
    wiltshire: "Wiltshire",
  };

  it("places the focus force, gives its verdict and names the excluded forces", () => {
    const comparison = compareWithMsg(figures, {
      focusForceId: "west-mercia",
      kind: "proportion",
      polarity: "higher is better",
    });
    expect(
      describeMsg({ measure: "Victim satisfaction", comparison, focusForceId: "west-mercia", forceNames }),
    ).toBe(
      "Victim satisfaction: West Mercia is 2nd of 4 in its most similar group, at 68.2% against the group average of 61.2%. " +
        "It is significantly above the group average at 95% but not at 99.8% (higher is better, so this is better). " +
        "Position 1 is the best: the highest value. " +
        "Left out because their data is incomplete: Gloucestershire (Survey not run in Q4).",
    );
  });

  it("says when the focus force itself is left out", () => {
    const comparison = compareWithMsg(figures, {
      focusForceId: "gloucestershire",
      kind: "proportion",
      polarity: "higher is better",
    });
    expect(
      describeMsg({
        measure: "Victim satisfaction",
        comparison,
        focusForceId: "gloucestershire",
        forceNames,
      }),
    ).toBe(
      "Victim satisfaction: Gloucestershire is not compared, because its data is incomplete (Survey not run in Q4); " +
        "the group average is 61.2%.",
    );
  });
});

describe("trend descriptions", () => {
  const categories = ["April 2025", "May 2025", "June 2025"];

  it("gives each series' total, highest and lowest period, and any gap", () => {
    expect(
      describeTrend({
        measure: "Vehicle crime",
        categories,
        series: [
          { name: "2025/26", values: [410, 455, null] },
          { name: "2024/25", values: [398, 402, 441] },
        ],
      }),
    ).toBe(
      "Vehicle crime, April 2025 to June 2025: 2025/26, 865 in total; highest in May 2025 (455), lowest in April 2025 (410); no figure for June 2025. " +
        "2024/25, 1,241 in total; highest in June 2025 (441), lowest in April 2025 (398).",
    );
  });

  it("lists area totals highest first", () => {
    expect(
      describeSmallMultiples({
        measure: "Burglary",
        areaKind: "local policing area",
        categories,
        areas: [
          { name: "Herefordshire", values: [70, 64, 58] },
          { name: "Worcestershire", values: [160, 151, 170] },
        ],
        definition,
      }),
    ).toBe(
      "Burglary by local policing area, April 2025 to June 2025, one small chart per local policing area on the same scale. " +
        "Totals, highest first: Worcestershire 481; Herefordshire 192. Definition: " +
        definition +
        ".",
    );
  });
});
