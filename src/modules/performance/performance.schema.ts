import { z } from "zod";
import { DATA_POLICE_UK_CRIME_TYPES, type Frequency } from "../measures/measures.schema.js";
import type { Period } from "../../stats/periods.js";

/** An optional query-string field: blank (as an empty form field sends it) means not given. */
const optionalField = (name: string, maxLength: number) =>
  z
    .string({ error: `Give one ${name}` })
    .trim()
    .max(maxLength, { error: `The ${name} is too long` })
    .optional()
    .transform((text) => text || undefined);

/** The explorer's query string (the page and its CSV take the same). Each field defaults when left out. */
export const explorerQuerySchema = z.object({
  measure: optionalField("measure", 200),
  area: optionalField("area", 200),
  period: optionalField("period", 60),
  crimeType: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.enum(DATA_POLICE_UK_CRIME_TYPES, { error: "Choose a crime type from the list" }).optional(),
  ),
});
export type ExplorerQuery = z.infer<typeof explorerQuerySchema>;

/**
 * The periods a measure can be explored by: whole numbers of its own periods, so the chart never ends
 * part-way through one of them.
 */
export const periodKindsOf: Record<Frequency, readonly Period["kind"][]> = {
  weekly: ["isoWeek"],
  monthly: ["month", "financialQuarter", "financialYear", "rolling12Months", "financialYearToDate"],
  quarterly: ["financialQuarter", "financialYear"],
};

export const periodHintOf: Record<Frequency, string> = {
  weekly: "an ISO week such as 2025-W03",
  monthly: "a month such as 2025-06, a quarter such as Q1 2025/26, or a year such as 2025/26",
  quarterly: "a quarter such as Q1 2025/26, or a year such as 2025/26",
};

/** How many periods the breakdown by area shows: a year of months fits beside the small charts. */
export const BREAKDOWN_PERIODS = 12;

/** How many LSOAs the hot-spot table lists. */
export const HOT_SPOT_LIMIT = 10;
