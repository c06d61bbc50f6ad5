import { describe, expect, it } from "vitest";
import type { OutcomeRecord } from "./outcomes.js";
import {
  CHARGE_SUMMONS_RATE,
  describeOutcomeRate,
  groupOfOutcomeType,
  groupOfPoliceUkLabel,
  outcomeRate,
  positiveOutcomeRate,
  tallyOutcomes,
} from "./outcomes.js";

// Outcome types: Home Office Counting Rules, crime outcomes framework (types 1-22; 19 unused).
// Groups: those of the Home Office "Crime outcomes in England and Wales" statistics.
describe("groupOfOutcomeType", () => {
  it.each([
    [0, "pending"],
    [1, "charge_summons"],
    [2, "out_of_court_disposal"],
    [3, "out_of_court_disposal"],
    [4, "taken_into_consideration"],
    [5, "prosecution_prevented_or_not_in_public_interest"],
    [6, "out_of_court_disposal"],
    [7, "out_of_court_disposal"],
    [8, "out_of_court_disposal"],
    [9, "prosecution_prevented_or_not_in_public_interest"],
    [10, "prosecution_prevented_or_not_in_public_interest"],
    [11, "prosecution_prevented_or_not_in_public_interest"],
    [12, "prosecution_prevented_or_not_in_public_interest"],
    [13, "prosecution_prevented_or_not_in_public_interest"],
    [14, "evidential_difficulties_victim_does_not_support"],
    [15, "evidential_difficulties_victim_supports"],
    [16, "evidential_difficulties_victim_does_not_support"],
    [17, "prosecution_prevented_or_not_in_public_interest"],
    [18, "no_suspect_identified"],
    [20, "transferred_to_another_body"],
    [21, "further_action_not_in_public_interest"],
    [22, "diversionary_activity"],
  ])("outcome %i is %s", (type, group) => {
    expect(groupOfOutcomeType(type)).toBe(group);
  });

  it("reads written forms and leaves unknown types unmapped", () => {
    expect(groupOfOutcomeType("Outcome 16")).toBe("evidential_difficulties_victim_does_not_support");
    expect(groupOfOutcomeType(" OT15 ")).toBe("evidential_difficulties_victim_supports");
    expect(groupOfOutcomeType(19)).toBe("unmapped");
    expect(groupOfOutcomeType("23")).toBe("unmapped");
  });
});

// Labels: the data.police.uk street-level "Last outcome category" values.
describe("groupOfPoliceUkLabel", () => {
  it.each([
    ["Offender sent to prison", "charge_summons"],
    ["Defendant found not guilty", "charge_summons"],
    ["Court case unable to proceed", "charge_summons"],
    ["Suspect charged as part of another case", "taken_into_consideration"],
    ["Offender given penalty notice", "out_of_court_disposal"],
    ["Local resolution", "out_of_court_disposal"],
    ["Action to be taken by another organisation", "transferred_to_another_body"],
    ["Formal action is not in the public interest", "prosecution_prevented_or_not_in_public_interest"],
    ["Unable to prosecute suspect", "unable_to_prosecute"],
    ["Awaiting court outcome", "pending"],
    ["Status update unavailable", "pending"],
    ["Investigation complete; no suspect identified", "no_suspect_identified"],
    ["Under investigation", "pending"],
    ["Offender given a caution", "out_of_court_disposal"],
    ["Offender given a drugs possession warning", "out_of_court_disposal"],
    ["Court result unavailable", "charge_summons"],
    ["Offender fined", "charge_summons"],
    ["Offender given community sentence", "charge_summons"],
    ["Offender given conditional discharge", "charge_summons"],
    ["Offender given suspended prison sentence", "charge_summons"],
    ["Offender deprived of property", "charge_summons"],
    ["Offender ordered to pay compensation", "charge_summons"],
    ["Offender otherwise dealt with", "charge_summons"],
    ["Defendant sent to Crown Court", "charge_summons"],
    ["Suspect charged", "charge_summons"],
    ["Further investigation is not in the public interest", "further_action_not_in_public_interest"],
    ["Further action is not in the public interest", "further_action_not_in_public_interest"],
    ["Offender given absolute discharge", "charge_summons"],
  ])("%s is %s", (label, group) => {
    expect(groupOfPoliceUkLabel(label)).toBe(group);
  });

  it("ignores case and spacing but never guesses at an unknown label", () => {
    expect(groupOfPoliceUkLabel("  offender  FINED ")).toBe("charge_summons");
    expect(groupOfPoliceUkLabel("Offender given a talking-to")).toBe("unmapped");
    expect(groupOfPoliceUkLabel("")).toBe("unmapped");
  });
});

describe("outcome rates", () => {
  const records: OutcomeRecord[] = [
    { crimeType: "Burglary", outcome: "Suspect charged" },
    { crimeType: "Burglary", outcome: "Offender given a caution" },
    { crimeType: "Shoplifting", outcome: "Suspect charged as part of another case" },
    { crimeType: "Shoplifting", outcome: "Under investigation" },
    { crimeType: "Shoplifting", outcome: "Awaiting court outcome" },
    { crimeType: "Vehicle crime", outcome: "Investigation complete; no suspect identified" },
    { crimeType: "Violence and sexual offences", outcome: 16 },
    { crimeType: "Violence and sexual offences", outcome: 0 },
    { crimeType: "Other crime", outcome: "Something new" },
    { crimeType: "Other crime", outcome: null },
    { crimeType: "Anti-social behaviour", outcome: null },
    { crimeType: "Anti-social behaviour", outcome: null },
  ];

  it("tallies by group, excludes ASB and reports unmapped outcomes by text", () => {
    const tally = tallyOutcomes(records);
    expect(tally.crimes).toBe(10);
    expect(tally.excludedAntiSocialBehaviour).toBe(2);
    expect(tally.byGroup.pending).toBe(3);
    expect(tally.byGroup.unmapped).toBe(2);
    expect(tally.unmappedOutcomes).toStrictEqual({ "Something new": 1, "(no outcome given)": 1 });
  });

  it("gives the default positive outcome rate over charge/summons, out-of-court disposal and TIC", () => {
    const rate = outcomeRate(tallyOutcomes(records), positiveOutcomeRate());
    expect(rate).toMatchObject({ numerator: 3, denominator: 10, rate: 0.3, pending: 3, unmapped: 2 });
    expect(rate.definition).toBe(
      "Positive outcome rate: crimes whose latest outcome is charge/summons, out-of-court disposal or " +
        "taken into consideration, as a share of all crimes recorded in the period (ASB excluded)",
    );
  });

  it("gives the charge/summons rate", () => {
    const rate = outcomeRate(tallyOutcomes(records), CHARGE_SUMMONS_RATE);
    expect(rate).toMatchObject({ numerator: 1, rate: 0.1 });
    expect(describeOutcomeRate(CHARGE_SUMMONS_RATE)).toBe(
      "Charge/summons rate: crimes whose latest outcome is charge/summons, as a share of all crimes " +
        "recorded in the period (ASB excluded)",
    );
  });

  it("never counts outcome 0 or 'under investigation' in a numerator", () => {
    const pendingOnly = tallyOutcomes([
      { crimeType: "Burglary", outcome: 0 },
      { crimeType: "Burglary", outcome: "Under investigation" },
    ]);
    expect(outcomeRate(pendingOnly, positiveOutcomeRate()).numerator).toBe(0);
    expect(outcomeRate(pendingOnly, positiveOutcomeRate()).denominator).toBe(2);
    expect(() => positiveOutcomeRate(["charge_summons", "pending"])).toThrow(/cannot include/);
    expect(() => outcomeRate(pendingOnly, { name: "Bad rate", numeratorGroups: ["pending"] })).toThrow(
      /pending or unmapped/,
    );
  });

  it("lets the positive groups be chosen and has no rate for an empty period", () => {
    const custom = positiveOutcomeRate(["charge_summons", "diversionary_activity"]);
    expect(describeOutcomeRate(custom)).toMatch(
      /is charge\/summons or diversionary, educational or intervention activity, as a share/,
    );
    expect(outcomeRate(tallyOutcomes([]), custom).rate).toBeNull();
  });
});
