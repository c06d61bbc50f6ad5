import type { z } from "zod";
import type { FieldError } from "./errors.js";

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldError[] };

/** Validates a submitted form; problems come back per field, in the order of the form, for an error summary. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join(".") || "form";
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, text: issue.message });
  }
  return { ok: false, errors };
}

/** The shapes govuk-frontend's macros take: a summary list linking to fields, and a message per field. */
export function errorView(errors: FieldError[]) {
  return {
    errors: errors.map((e) => ({ text: e.text, href: `#${e.field}` })),
    fieldErrors: Object.fromEntries(errors.map((e) => [e.field, { text: e.text }])),
  };
}
