import { ValidationError } from "../../lib/errors.js";

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
} as const;
