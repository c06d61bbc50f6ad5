import { describe, expect, it } from "vitest";
import { seriesView } from "./measures.view.js";
import { buildSeries } from "./series.js";
import { measureRow } from "./test-support.js";

const survey = measureRow({
  id: "victims.satisfaction-overall",
  name: "Victim satisfaction",
  frequency: "quarterly",
});

describe("a series as the measure page shows it", () => {
  it("says the latest figure with its interval, and cautions when it rests on under 100 responses", () => {
    const series = buildSeries({
      measure: survey,
      area: { type: "force", code: "west-mercia", name: "West Mercia Police" },
      points: [
        {
          period: "Q2 2025/26",
          periodStart: "2025-07-01",
          periodEnd: "2025-09-30",
          value: 75,
          numerator: 60,
          denominator: 80,
          note: null,
        },
      ],
      annotations: [],
      peers: [],
    });
    const view = seriesView(series);
    // Wilson's 95% interval for 60 of 80 is 64.52% to 83.19%.
    expect(view.latest).toBe(
      "Q2 2025/26: 75% (95% interval 64.5% to 83.2%, Wilson score interval). Small sample: 80 responses, fewer than 100, so the range is wide.",
    );
    expect(view.rows[0]?.interval).toBe("64.5% to 83.2% (small sample)");
  });
});
