import { z } from "zod";
import { versionField } from "../../lib/stale-edit.js";

export const statementStatuses = ["draft", "published"] as const;
export type StatementStatus = (typeof statementStatuses)[number];

export const STATEMENT_TITLE = "Statement on the force's contribution to the national policing priorities";

/**
 * Marks the places the generated draft leaves for the commissioner's own words; a statement still holding one
 * cannot be published.
 */
export const PLACEHOLDER_START = "[To write:";

export const statementFormSchema = z.object({
  title: z
    .string()
    .trim()
    .min(1, { error: "Enter the title" })
    .max(200, { error: "Keep the title to 200 characters or fewer" }),
  body: z
    .string()
    .trim()
    .min(1, { error: "Enter the statement" })
    .max(50_000, { error: "Keep the statement to 50,000 characters or fewer" }),
  version: versionField,
});
export type StatementForm = z.infer<typeof statementFormSchema>;

export const publishFormSchema = z.object({
  publishedOn: z.iso.date({ error: "Enter the date of publication as YYYY-MM-DD, like 2026-04-30" }),
  /** The version the publisher read: what is published is what was read. */
  version: versionField,
});
export type PublishForm = z.infer<typeof publishFormSchema>;

export const statementIdParams = z.object({ id: z.coerce.number().int().positive() });

/** Words that mark an agenda item, note or line of enquiry as being about complaints against the police. */
export const COMPLAINTS_TERM = "complain";
