import type { MeasureRow } from "./measures.tables.js";

/** A measure as the database holds it, for the pure tests of series and views: a monthly % by default. */
export function measureRow(overrides: Partial<MeasureRow> = {}): MeasureRow {
  return {
    id: "m",
    name: "M",
    definition: "d",
    unit: "%",
    polarity: "higher is better",
    frequency: "monthly",
    source: "force return",
    national_priority: null,
    local_priority: null,
    target: null,
    query_json: null,
    published: 0,
    created_at: "",
    updated_at: "",
    ...overrides,
  };
}
