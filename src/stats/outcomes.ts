/**
 * Crime outcomes: Home Office outcome types (Home Office Counting Rules outcomes framework, 1 to
 * 22, and 0 for "under investigation") and data.police.uk "Last outcome category" labels, mapped
 * to the groups the Home Office's crime outcomes statistics use, and the outcome rates built on
 * them. Anything not recognised goes to an explicit 'unmapped' group so it is reported, never
 * silently dropped; pending outcomes are never counted as achieved.
 */

export type OutcomeGroup =
  | "charge_summons"
  | "out_of_court_disposal"
  | "taken_into_consideration"
  | "diversionary_activity"
  | "evidential_difficulties_victim_supports"
  | "evidential_difficulties_victim_does_not_support"
  | "unable_to_prosecute"
  | "prosecution_prevented_or_not_in_public_interest"
  | "further_action_not_in_public_interest"
  | "transferred_to_another_body"
  | "no_suspect_identified"
  | "pending"
  | "unmapped";

/** Display names, written to read inside a sentence. */
export const OUTCOME_GROUP_NAMES: Record<OutcomeGroup, string> = {
  charge_summons: "charge/summons",
  out_of_court_disposal: "out-of-court disposal",
  taken_into_consideration: "taken into consideration",
  diversionary_activity: "diversionary, educational or intervention activity",
  evidential_difficulties_victim_supports: "evidential difficulties (victim supports action)",
  evidential_difficulties_victim_does_not_support: "evidential difficulties (victim does not support action)",
  unable_to_prosecute: "unable to prosecute (evidential difficulties or prosecution prevented)",
  prosecution_prevented_or_not_in_public_interest: "prosecution prevented or not in the public interest",
  further_action_not_in_public_interest: "further investigation not in the public interest",
  transferred_to_another_body: "transferred to another body",
  no_suspect_identified: "investigation complete, no suspect identified",
  pending: "under investigation or awaiting an outcome",
  unmapped: "unrecognised outcome",
};

/** Groups that can never be in a rate's numerator: no outcome yet, or no known outcome. */
export const NEVER_IN_NUMERATOR: readonly OutcomeGroup[] = ["pending", "unmapped"];

/** Groups a rate may count: every outcome reached. */
export const COUNTABLE_OUTCOME_GROUPS = (Object.keys(OUTCOME_GROUP_NAMES) as OutcomeGroup[]).filter(
  (group) => !NEVER_IN_NUMERATOR.includes(group),
);

/**
 * Home Office outcome types. 22 is its own group, as in the Home Office's statistics; 19 is not
 * in use and is unmapped.
 */
const HOME_OFFICE_OUTCOME_GROUPS: Record<string, OutcomeGroup> = {
  "0": "pending",
  "1": "charge_summons",
  "2": "out_of_court_disposal", // caution, youths
  "3": "out_of_court_disposal", // caution, adults
  "4": "taken_into_consideration",
  "5": "prosecution_prevented_or_not_in_public_interest", // offender has died
  "6": "out_of_court_disposal", // penalty notice for disorder
  "7": "out_of_court_disposal", // cannabis/khat warning
  "8": "out_of_court_disposal", // community resolution
  "9": "prosecution_prevented_or_not_in_public_interest", // CPS: prosecution not in the public interest
  "10": "prosecution_prevented_or_not_in_public_interest", // police: formal action not in the public interest
  "11": "prosecution_prevented_or_not_in_public_interest", // suspect below age of criminal responsibility
  "12": "prosecution_prevented_or_not_in_public_interest", // suspect too ill
  "13": "prosecution_prevented_or_not_in_public_interest", // victim or key witness dead or too ill
  "14": "evidential_difficulties_victim_does_not_support", // suspect not identified
  "15": "evidential_difficulties_victim_supports",
  "16": "evidential_difficulties_victim_does_not_support",
  "17": "prosecution_prevented_or_not_in_public_interest", // prosecution time limit expired
  "18": "no_suspect_identified",
  "20": "transferred_to_another_body",
  "21": "further_action_not_in_public_interest",
  "22": "diversionary_activity",
};

/**
 * data.police.uk "Last outcome category" labels. Court results imply the suspect was charged or
 * summonsed, so they count as charge/summons. "Suspect charged as part of another case" is the
 * label data.police.uk gives offences taken into consideration. "Unable to prosecute suspect"
 * covers both evidential difficulties and prosecution prevented, so it has its own group.
 * "Awaiting court outcome" is treated as pending, as our definitions require.
 */
const POLICE_UK_LABEL_GROUPS: Record<string, OutcomeGroup> = {
  "suspect charged": "charge_summons",
  "offender sent to prison": "charge_summons",
  "offender given suspended prison sentence": "charge_summons",
  "offender given community sentence": "charge_summons",
  "offender fined": "charge_summons",
  "offender given conditional discharge": "charge_summons",
  "offender given absolute discharge": "charge_summons",
  "offender deprived of property": "charge_summons",
  "offender ordered to pay compensation": "charge_summons",
  "offender otherwise dealt with": "charge_summons",
  "defendant sent to crown court": "charge_summons",
  "defendant found not guilty": "charge_summons",
  "court case unable to proceed": "charge_summons",
  "court result unavailable": "charge_summons",
  "offender given a caution": "out_of_court_disposal",
  "offender given a drugs possession warning": "out_of_court_disposal",
  "offender given penalty notice": "out_of_court_disposal",
  "local resolution": "out_of_court_disposal",
  "suspect charged as part of another case": "taken_into_consideration",
  "unable to prosecute suspect": "unable_to_prosecute",
  "formal action is not in the public interest": "prosecution_prevented_or_not_in_public_interest",
  "further investigation is not in the public interest": "further_action_not_in_public_interest",
  "further action is not in the public interest": "further_action_not_in_public_interest",
  "action to be taken by another organisation": "transferred_to_another_body",
  "investigation complete; no suspect identified": "no_suspect_identified",
  "under investigation": "pending",
  "awaiting court outcome": "pending",
  "status update unavailable": "pending",
};

/** Home Office outcome type ("1", 15, "Outcome 16", "OT18") to its group; 'unmapped' if unknown. */
export function groupOfOutcomeType(outcomeType: string | number): OutcomeGroup {
  const code = String(outcomeType)
    .trim()
    .replace(/^(outcome( type)?|ot)\s*/i, "");
  return HOME_OFFICE_OUTCOME_GROUPS[code] ?? "unmapped";
}

/** data.police.uk label to its group, ignoring case and spacing; 'unmapped' if unknown or blank. */
export function groupOfPoliceUkLabel(label: string): OutcomeGroup {
  return POLICE_UK_LABEL_GROUPS[label.trim().replace(/\s+/g, " ").toLowerCase()] ?? "unmapped";
}

export const ANTI_SOCIAL_BEHAVIOUR = "Anti-social behaviour";

export interface OutcomeRecord {
  /** data.police.uk "Crime type"; anti-social behaviour is excluded from every rate. */
  crimeType: string;
  /** A data.police.uk label, or a Home Office outcome type; null or blank when none is given. */
  outcome: string | number | null;
}

export interface OutcomeTally {
  /** Crimes counted (anti-social behaviour excluded): the denominator of every outcome rate. */
  crimes: number;
  excludedAntiSocialBehaviour: number;
  byGroup: Record<OutcomeGroup, number>;
  /** Outcome texts not recognised, with how often each occurred, so they can be reported. */
  unmappedOutcomes: Record<string, number>;
}

export function tallyOutcomes(records: Iterable<OutcomeRecord>): OutcomeTally {
  const byGroup = Object.fromEntries(Object.keys(OUTCOME_GROUP_NAMES).map((group) => [group, 0])) as Record<
    OutcomeGroup,
    number
  >;
  const unmappedOutcomes: Record<string, number> = {};
  let crimes = 0;
  let excludedAntiSocialBehaviour = 0;
  for (const { crimeType, outcome } of records) {
    if (crimeType.trim().toLowerCase() === ANTI_SOCIAL_BEHAVIOUR.toLowerCase()) {
      excludedAntiSocialBehaviour += 1;
      continue;
    }
    crimes += 1;
    const group = groupOfOutcome(outcome);
    byGroup[group] += 1;
    if (group === "unmapped") {
      const text =
        outcome === null || String(outcome).trim() === "" ? "(no outcome given)" : String(outcome).trim();
      unmappedOutcomes[text] = (unmappedOutcomes[text] ?? 0) + 1;
    }
  }
  return { crimes, excludedAntiSocialBehaviour, byGroup, unmappedOutcomes };
}

/** A number is a Home Office outcome type; text is tried as a data.police.uk label, then as a type. */
function groupOfOutcome(outcome: string | number | null): OutcomeGroup {
  if (outcome === null) return "unmapped";
  if (typeof outcome === "number") return groupOfOutcomeType(outcome);
  const byLabel = groupOfPoliceUkLabel(outcome);
  return byLabel === "unmapped" ? groupOfOutcomeType(outcome) : byLabel;
}

export interface OutcomeRateDefinition {
  name: string;
  numeratorGroups: readonly OutcomeGroup[];
}

export const CHARGE_SUMMONS_RATE: OutcomeRateDefinition = {
  name: "Charge/summons rate",
  numeratorGroups: ["charge_summons"],
};

export const DEFAULT_POSITIVE_OUTCOME_GROUPS: readonly OutcomeGroup[] = [
  "charge_summons",
  "out_of_court_disposal",
  "taken_into_consideration",
];

/** A "positive outcome" rate over the chosen groups; refuses pending or unmapped outcomes. */
export function positiveOutcomeRate(
  numeratorGroups: readonly OutcomeGroup[] = DEFAULT_POSITIVE_OUTCOME_GROUPS,
): OutcomeRateDefinition {
  const forbidden = numeratorGroups.filter((group) => NEVER_IN_NUMERATOR.includes(group));
  if (forbidden.length > 0) {
    throw new Error(
      `A positive outcome cannot include ${forbidden.map((g) => OUTCOME_GROUP_NAMES[g]).join(" or ")}: ` +
        "no outcome has been reached.",
    );
  }
  if (numeratorGroups.length === 0)
    throw new Error("A positive outcome rate needs at least one outcome group.");
  return { name: "Positive outcome rate", numeratorGroups: [...new Set(numeratorGroups)] };
}

/**
 * The definition shown beside every figure, e.g. "Positive outcome rate: crimes whose latest
 * outcome is charge/summons, out-of-court disposal or taken into consideration, as a share of all
 * crimes recorded in the period (ASB excluded)".
 */
export function describeOutcomeRate(definition: OutcomeRateDefinition): string {
  const names = definition.numeratorGroups.map((group) => OUTCOME_GROUP_NAMES[group]);
  const list =
    names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
  return (
    `${definition.name}: crimes whose latest outcome is ${list}, as a share of all crimes ` +
    "recorded in the period (ASB excluded)"
  );
}

export interface OutcomeRate {
  definition: string;
  numerator: number;
  denominator: number;
  /** numerator / denominator (0 to 1); null when no crimes were recorded. */
  rate: number | null;
  /** Crimes still awaiting an outcome: in the denominator, never the numerator. */
  pending: number;
  unmapped: number;
}

export function outcomeRate(tally: OutcomeTally, definition: OutcomeRateDefinition): OutcomeRate {
  // Checked here too, so a hand-built definition cannot count pending outcomes.
  const numeratorGroups = definition.numeratorGroups.filter((group) => !NEVER_IN_NUMERATOR.includes(group));
  if (numeratorGroups.length !== definition.numeratorGroups.length) {
    throw new Error(`${definition.name} counts pending or unmapped outcomes in its numerator.`);
  }
  const numerator = numeratorGroups.reduce((sum, group) => sum + tally.byGroup[group], 0);
  return {
    definition: describeOutcomeRate(definition),
    numerator,
    denominator: tally.crimes,
    rate: tally.crimes === 0 ? null : numerator / tally.crimes,
    pending: tally.byGroup.pending,
    unmapped: tally.byGroup.unmapped,
  };
}
