import { z } from "zod";
import type { Period } from "../../stats/periods.js";
import { COUNTABLE_OUTCOME_GROUPS, OUTCOME_GROUP_NAMES, type OutcomeGroup } from "../../stats/outcomes.js";

export const measureUnits = ["count", "rate per 1,000", "%", "seconds", "minutes", "days", "£"] as const;
export type MeasureUnit = (typeof measureUnits)[number];

export const polarities = ["higher is better", "lower is better", "neutral"] as const;

export const frequencies = ["weekly", "monthly", "quarterly"] as const;
export type Frequency = (typeof frequencies)[number];

/** The kind of period each frequency's values are given for. */
export const periodKindOf: Record<Frequency, Period["kind"]> = {
  weekly: "isoWeek",
  monthly: "month",
  quarterly: "financialQuarter",
};
export const periodExampleOf: Record<Frequency, string> = {
  weekly: "an ISO week such as 2025-W03",
  monthly: "a month such as 2025-01",
  quarterly: "a financial quarter such as Q1 2025/26",
};

export const measureSources = ["data.police.uk", "force return", "manual"] as const;
export type MeasureSource = (typeof measureSources)[number];

/** The Home Office National Crime and Policing Measures (2021) priorities. */
export const nationalPriorities = {
  homicide: "Reduce murder and other homicide",
  "serious-violence": "Reduce serious violence",
  "drugs-county-lines": "Disrupt drugs supply and county lines",
  "neighbourhood-crime": "Reduce neighbourhood crime",
  "cyber-crime": "Tackle cyber crime",
  "victim-satisfaction": "Improve satisfaction among victims, with a focus on victims of domestic abuse",
} as const;
export type NationalPriority = keyof typeof nationalPriorities;
export const nationalPriorityIds = Object.keys(nationalPriorities) as [
  NationalPriority,
  ...NationalPriority[],
];

export const areaTypes = ["force", "lpa", "local_authority"] as const;
export type AreaType = (typeof areaTypes)[number];

export const DATA_POLICE_UK_CRIME_TYPES = [
  "Anti-social behaviour",
  "Bicycle theft",
  "Burglary",
  "Criminal damage and arson",
  "Drugs",
  "Other crime",
  "Other theft",
  "Possession of weapons",
  "Public order",
  "Robbery",
  "Shoplifting",
  "Theft from the person",
  "Vehicle crime",
  "Violence and sexual offences",
] as const;

const outcomeGroupIds = Object.keys(OUTCOME_GROUP_NAMES) as [OutcomeGroup, ...OutcomeGroup[]];

/** What a data.police.uk measure counts in the crime aggregates. */
export const policeUkQuerySchema = z.discriminatedUnion("kind", [
  /** Street-level crimes of these types. */
  z.object({ kind: z.literal("crimes"), crimeTypes: z.array(z.string()).min(1) }),
  /** Crimes of these types whose last outcome is in the group, as a share of all crimes of those types. */
  z.object({
    kind: z.literal("outcome-share"),
    crimeTypes: z.array(z.string()).min(1),
    outcomeGroup: z.enum(outcomeGroupIds),
  }),
  /**
   * A positive outcome rate: crimes of these types whose last outcome is in any of the groups the OPCC counts
   * as positive, as a share of all crimes of those types. A group with no outcome yet is never counted.
   */
  z.object({
    kind: z.literal("positive-outcome-rate"),
    crimeTypes: z.array(z.string()).min(1),
    outcomeGroups: z.array(z.enum(COUNTABLE_OUTCOME_GROUPS as [OutcomeGroup, ...OutcomeGroup[]])).min(1),
  }),
  /** Stop and searches, optionally only those with an outcome or an officer-defined ethnicity. */
  z.object({ kind: z.literal("searches"), ethnicity: z.string().optional() }),
  /** Stop and searches with this outcome, as a share of all searches. */
  z.object({ kind: z.literal("search-outcome-share"), outcome: z.string() }),
]);
export type PoliceUkQuery = z.infer<typeof policeUkQuerySchema>;

const optionalText = z
  .string()
  .trim()
  .transform((text) => (text === "" ? null : text))
  .nullable()
  .optional()
  .transform((text) => text ?? null);

/** One entry of the catalogue, as shipped (built in, or in `data/measures/definitions.json`). */
export const measureDefinitionSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]*$/, { error: "Use lower-case letters, digits, dots and hyphens" }),
  name: z.string().trim().min(1),
  definition: z.string().trim().min(1),
  unit: z.enum(measureUnits),
  polarity: z.enum(polarities),
  frequency: z.enum(frequencies),
  source: z.enum(measureSources),
  nationalPriority: z.enum(nationalPriorityIds).nullable().default(null),
  localPriority: optionalText,
  target: z.number().finite().nullable().default(null),
  query: policeUkQuerySchema.nullable().default(null),
  /**
   * Each value covers periods the value before covers too (a rolling 12 months): the points are not
   * independent, so the series gets no SPC limits.
   */
  overlapping: z.boolean().default(false),
});
export type MeasureDefinition = z.infer<typeof measureDefinitionSchema>;

/** The columns of a force return, in order. */
export const FORCE_RETURN_COLUMNS = [
  "measure_id",
  "period",
  "area",
  "value",
  "numerator",
  "denominator",
  "note",
] as const;

const formNumber = (name: string) =>
  z
    .string()
    .trim()
    .refine((text) => text === "" || Number.isFinite(Number(text)), {
      error: `Enter the ${name} as a number`,
    });

/** The single-value form: the same fields as a row of a force return. */
export const singleValueFormSchema = z.object({
  period: z.string().trim().min(1, { error: "Enter the period" }),
  area: z.string().trim().min(1, { error: "Choose the area" }),
  value: formNumber("value").refine((text) => text !== "", { error: "Enter the value" }),
  numerator: formNumber("numerator"),
  denominator: formNumber("denominator"),
  note: z.string().trim().max(1000),
});
export type SingleValueForm = z.infer<typeof singleValueFormSchema>;

export const annotationFormSchema = z.object({
  date: z.iso.date({ error: "Enter the date as YYYY-MM-DD, like 2025-04-01" }),
  text: z.string().trim().min(1, { error: "Enter the note" }).max(500),
  rebase: z
    .enum(["yes", "no"])
    .optional()
    .transform((value) => value === "yes"),
});
export type AnnotationForm = z.infer<typeof annotationFormSchema>;

export const measureSettingsFormSchema = z.object({
  published: z.enum(["yes", "no"], { error: "Say whether the public may see this measure" }),
  target: formNumber("target"),
  localPriority: z.string().trim().max(200),
  /** A positive outcome rate's numerator: the outcome groups ticked (one arrives as a string, none as nothing). */
  positiveOutcomes: z.preprocess(
    (value: unknown) => (value === undefined ? [] : [value].flat()),
    z.array(
      z.enum(COUNTABLE_OUTCOME_GROUPS as [OutcomeGroup, ...OutcomeGroup[]], {
        error: "Choose outcomes from the list: an outcome not yet reached cannot count",
      }),
    ),
  ),
});
export type MeasureSettingsForm = z.infer<typeof measureSettingsFormSchema>;

/** The force this office oversees: the default area (the shipped local policing areas are its). */
export const HOME_FORCE_ID = "west-mercia";

/** Query string of a series request: the area and an inclusive range of period start dates. */
export const seriesQuerySchema = z.object({
  area: z.string().trim().min(1).default(HOME_FORCE_ID),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});
export type SeriesQuery = z.infer<typeof seriesQuerySchema>;
