/**
 * The shipped catalogue: the measures built on data.police.uk (defined here by what they count) and
 * the force-return measures described in `data/measures/definitions.json`.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { fromRoot } from "../../lib/paths.js";
import {
  DEFAULT_POSITIVE_OUTCOME_GROUPS,
  OUTCOME_GROUP_NAMES,
  describeOutcomeRate,
  positiveOutcomeRate,
  type OutcomeGroup,
} from "../../stats/outcomes.js";
import {
  DATA_POLICE_UK_CRIME_TYPES,
  measureDefinitionSchema,
  type MeasureDefinition,
  type PoliceUkQuery,
} from "./measures.schema.js";

const ANTI_SOCIAL_BEHAVIOUR = "Anti-social behaviour";
const RECORDED_CRIME_TYPES = DATA_POLICE_UK_CRIME_TYPES.filter((type) => type !== ANTI_SOCIAL_BEHAVIOUR);

/** Home Office definition used in the National Crime and Policing Measures. */
export const NEIGHBOURHOOD_CRIME_TYPES = ["Burglary", "Robbery", "Theft from the person", "Vehicle crime"];
export const ACQUISITIVE_CRIME_TYPES = [
  "Burglary",
  "Vehicle crime",
  "Shoplifting",
  "Bicycle theft",
  "Other theft",
  "Theft from the person",
];

/** data.police.uk's stop-and-search "Outcome" values. */
export const SEARCH_OUTCOMES = [
  "A no further action disposal",
  "Arrest",
  "Caution (simple or conditional)",
  "Community resolution",
  "Khat or Cannabis warning",
  "Penalty Notice for Disorder",
  "Summons / charged by post",
];
/** data.police.uk's "Officer-defined ethnicity" values. */
export const OFFICER_DEFINED_ETHNICITIES = ["Asian", "Black", "Mixed", "Other", "White"];

const SOURCE_NOTE =
  "Source: data.police.uk street-level crime files, as published (crimes are placed in the month they were recorded).";

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

function policeUk(
  fields: Omit<
    MeasureDefinition,
    "source" | "frequency" | "localPriority" | "target" | "query" | "overlapping"
  >,
  query: PoliceUkQuery,
): MeasureDefinition {
  return {
    ...fields,
    source: "data.police.uk",
    frequency: "monthly",
    localPriority: null,
    target: null,
    query,
    overlapping: false,
  };
}

function crimeCount(id: string, name: string, crimeTypes: readonly string[], definition: string) {
  return policeUk(
    {
      id,
      name,
      definition: `${definition} ${SOURCE_NOTE}`,
      unit: "count",
      polarity: "lower is better",
      nationalPriority: id === "crimes.neighbourhood" ? "neighbourhood-crime" : null,
    },
    { kind: "crimes", crimeTypes: [...crimeTypes] },
  );
}

function outcomeShare(crimeName: string, crimeTypes: readonly string[], group: OutcomeGroup) {
  return policeUk(
    {
      id: `outcomes.${slug(crimeName)}.${group.replace(/_/g, "-")}`,
      name: `${crimeName}: share with outcome ${OUTCOME_GROUP_NAMES[group]}`,
      definition:
        `Crimes of ${crimeName.toLowerCase()} recorded in the month whose last outcome so far is ` +
        `${OUTCOME_GROUP_NAMES[group]}, as a percentage of all such crimes recorded in the month. Outcomes ` +
        `are updated as investigations end, so recent months rise over time. ${SOURCE_NOTE}`,
      unit: "%",
      polarity: DEFAULT_POSITIVE_OUTCOME_GROUPS.includes(group) ? "higher is better" : "neutral",
      nationalPriority: null,
    },
    { kind: "outcome-share", crimeTypes: [...crimeTypes], outcomeGroup: group },
  );
}

export type PositiveOutcomeQuery = Extract<PoliceUkQuery, { kind: "positive-outcome-rate" }>;

/** A positive outcome rate's definition, naming the outcomes it counts: it is shown beside every figure. */
export function positiveOutcomeDefinition(query: PositiveOutcomeQuery): string {
  const crimes =
    query.crimeTypes.length === RECORDED_CRIME_TYPES.length
      ? "every type of crime"
      : `crimes of the type ${query.crimeTypes.map((type) => `"${type}"`).join(", ")}`;
  return (
    `${describeOutcomeRate(positiveOutcomeRate(query.outcomeGroups))}; counting ${crimes}. Which outcomes count ` +
    "as positive is the office's choice, made in the measure's settings; crimes still under investigation " +
    `never count. Outcomes are updated as investigations end, so recent months rise over time. ${SOURCE_NOTE}`
  );
}

function positiveOutcome(crimeName: string, crimeTypes: readonly string[]) {
  const query: PositiveOutcomeQuery = {
    kind: "positive-outcome-rate",
    crimeTypes: [...crimeTypes],
    outcomeGroups: [...DEFAULT_POSITIVE_OUTCOME_GROUPS],
  };
  return policeUk(
    {
      id: `outcomes.${slug(crimeName)}.positive`,
      name: `${crimeName}: positive outcome rate`,
      definition: positiveOutcomeDefinition(query),
      unit: "%",
      polarity: "higher is better",
      nationalPriority: null,
    },
    query,
  );
}

export function builtInMeasures(): MeasureDefinition[] {
  const measures: MeasureDefinition[] = [
    crimeCount(
      "crimes.all",
      "All recorded crime",
      RECORDED_CRIME_TYPES,
      "Street-level crimes of every type, anti-social behaviour excluded.",
    ),
    crimeCount(
      "crimes.neighbourhood",
      "Neighbourhood crime",
      NEIGHBOURHOOD_CRIME_TYPES,
      "Burglary, robbery, theft from the person and vehicle crime: the Home Office's neighbourhood crime.",
    ),
    crimeCount(
      "crimes.acquisitive",
      "Acquisitive crime",
      ACQUISITIVE_CRIME_TYPES,
      "Burglary, vehicle crime, shoplifting, bicycle theft, other theft and theft from the person.",
    ),
    ...DATA_POLICE_UK_CRIME_TYPES.map((type) =>
      crimeCount(`crimes.${slug(type)}`, type, [type], `Street-level crimes in the category "${type}".`),
    ),
  ];
  const outcomeGroups = (Object.keys(OUTCOME_GROUP_NAMES) as OutcomeGroup[]).filter(
    (group) => group !== "unmapped",
  );
  for (const [name, types] of [
    ["All crime", RECORDED_CRIME_TYPES],
    ...RECORDED_CRIME_TYPES.map((type) => [type, [type]] as const),
  ] as const) {
    measures.push(positiveOutcome(name, types));
    for (const group of outcomeGroups) measures.push(outcomeShare(name, types, group));
  }
  const searchNote = "Source: data.police.uk stop and search files.";
  measures.push(
    policeUk(
      {
        id: "searches.all",
        name: "Stop and searches",
        definition: `Stop and searches carried out in the month. ${searchNote}`,
        unit: "count",
        polarity: "neutral",
        nationalPriority: null,
      },
      { kind: "searches" },
    ),
    ...SEARCH_OUTCOMES.map((outcome) =>
      policeUk(
        {
          id: `searches.outcome.${slug(outcome)}`,
          name: `Stop and searches: share with outcome "${outcome}"`,
          definition: `Stop and searches in the month with the outcome "${outcome}", as a percentage of all stop and searches in the month. ${searchNote}`,
          unit: "%",
          polarity: "neutral",
          nationalPriority: null,
        },
        { kind: "search-outcome-share", outcome },
      ),
    ),
    ...OFFICER_DEFINED_ETHNICITIES.map((ethnicity) =>
      policeUk(
        {
          id: `searches.ethnicity.${slug(ethnicity)}`,
          name: `Stop and searches of people the officer described as ${ethnicity}`,
          definition: `Stop and searches in the month where the officer-defined ethnicity is "${ethnicity}". ${searchNote}`,
          unit: "count",
          polarity: "neutral",
          nationalPriority: null,
        },
        { kind: "searches", ethnicity },
      ),
    ),
  );
  return measures;
}

export const FORCE_RETURN_DEFINITIONS_FILE = fromRoot("data", "measures", "definitions.json");

/** Reads the force-return definitions, naming the entry at fault if one is wrong. */
export async function loadForceReturnDefinitions(
  file = FORCE_RETURN_DEFINITIONS_FILE,
): Promise<MeasureDefinition[]> {
  const entries = z.array(z.unknown()).parse(JSON.parse(await readFile(file, "utf8")));
  return entries.map((entry, index) => {
    const result = measureDefinitionSchema.safeParse(entry);
    if (!result.success) throw new Error(`${file} entry ${index + 1}: ${z.prettifyError(result.error)}`);
    if (result.data.source === "data.police.uk")
      throw new Error(
        `${file} entry ${index + 1}: force-return definitions cannot have source data.police.uk`,
      );
    return result.data;
  });
}

export async function shippedMeasures(): Promise<MeasureDefinition[]> {
  return [...builtInMeasures(), ...(await loadForceReturnDefinitions())];
}

let overlapping: Promise<ReadonlySet<string>> | undefined;

/** The measures whose values overlap (rolling 12 months), from the shipped definitions; read once. */
export function overlappingMeasureIds(): Promise<ReadonlySet<string>> {
  return (overlapping ??= shippedMeasures().then(
    (measures) => new Set(measures.filter((m) => m.overlapping).map((m) => m.id)),
  ));
}
