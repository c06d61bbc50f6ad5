import { z } from "zod";
import { parsePeriod, type Period } from "../../stats/periods.js";

const id = z.coerce.number().int().positive();

export const briefingParams = z.object({ id });
export const suggestionParams = z.object({ id, suggestionId: id });

/** The generate form: the period whose figures the pack reviews, e.g. "Q2 2025/26" or "2025-09". */
export const generateSchema = z.object({
  period: z
    .string()
    .trim()
    .min(1, { error: "Enter the period the meeting reviews, like Q2 2025/26" })
    .transform((text, context): Period => {
      try {
        return parsePeriod(text);
      } catch {
        context.addIssue({
          code: "custom",
          message: `"${text}" is not a period: give a quarter like Q2 2025/26, or a month like 2025-09`,
        });
        return z.NEVER;
      }
    }),
});

/** The wording of a suggested line of enquiry, as the officer edits it before accepting. */
export const suggestionTextSchema = z.object({
  text: z
    .string()
    .trim()
    .min(1, { error: "Enter the line of enquiry" })
    .max(5000, { error: "The line of enquiry must be 5,000 characters or fewer" }),
});
