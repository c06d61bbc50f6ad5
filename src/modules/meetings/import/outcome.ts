import type { DecisionOutcome } from "../meetings.tables.js";

export interface ReadOutcome {
  outcome: DecisionOutcome;
  /** What an approval is subject to, as written ("the business case"); empty otherwise. */
  conditions: string;
}

// Most specific first: "not supported" before "supported", "subject to" before a plain approval.
const outcomePatterns: readonly [DecisionOutcome, RegExp][] = [
  ["not-supported", /\b(?:not\s+(?:supported|approved|agreed)|rejected|declined|refused)\b/i],
  ["deferred", /\b(?:deferred|postponed|adjourned)\b/i],
  ["supported-in-principle", /\bsupported\s+in\s+principle\b|\bagreed\s+in\s+principle\b/i],
  ["approved", /\b(?:approved|agreed|endorsed|ratified|supported)\b/i],
];

/**
 * The outcome a "Decision:" line states, in the words minutes use; null when it states none of the outcomes
 * (e.g. "Noted."), so the line stays in the notes rather than becoming a record with a guessed outcome.
 */
export function readDecisionOutcome(text: string): ReadOutcome | null {
  const match = outcomePatterns.find(([, pattern]) => pattern.test(text));
  if (!match) return null;
  const [outcome] = match;
  if (outcome === "approved") {
    const condition = /\bsubject\s+to\s+(.+?)\.?\s*$/i.exec(text);
    if (condition?.[1]) return { outcome: "approved-subject-to", conditions: condition[1].trim() };
  }
  return { outcome, conditions: "" };
}
