import { z } from "zod";
import { ValidationError } from "./errors.js";

/** The version of the record a form was opened at; a save from an older one is refused. */
export const versionField = z.coerce
  .number({ error: "The form is missing its version; open it again" })
  .int()
  .min(1, { error: "The form is missing its version; open it again" });

/**
 * A save refused because someone else saved the record after the form was opened (its version moved on).
 * A ValidationError, so forms show it in their error summary; its own class, so a route can also keep the
 * person's text and link to the current version.
 */
export class StaleEditError extends ValidationError {
  constructor(field: string, message: string) {
    super([{ field, text: message }]);
  }
}

export const staleMessages = {
  item: "This item was changed since you opened it",
  lineOfEnquiry: "This line of enquiry was changed since you opened it",
  decision: "This decision was changed since you opened it",
  inspection: "This inspection was changed since you opened it",
  finding: "This finding was changed since you opened it",
  response: "This response was changed since you opened it",
  statement: "This statement was changed since you opened it",
} as const;

/** The row a save at a version returned, or the refusal when someone else saved first (no row came back). */
export function savedAtVersion<T>(row: T | undefined, field: string, message: string): T {
  if (row === undefined) throw new StaleEditError(field, message);
  return row;
}
