import { z } from "zod";
import { versionField } from "../../lib/stale-edit.js";
import { actionStatuses, parseActionNumber } from "./action-rules.js";

/** A form field that may come once (a string) or several times (an array), or not at all. */
const manyIds = z.preprocess(
  (value: unknown): unknown[] =>
    value === undefined || value === "" ? [] : Array.isArray(value) ? (value as unknown[]) : [value],
  z.array(z.coerce.number().int().positive()),
);

const optionalText = (max: number, tooLong: string) =>
  z
    .string()
    .trim()
    .max(max, { error: tooLong })
    .optional()
    .transform((value) => (value ? value : null));

const optionalId = z.preprocess(
  (value) => (value === "" ? undefined : value),
  z.coerce.number().int().positive().optional(),
);

/** A calendar date typed or picked as YYYY-MM-DD; February 30th and "next week" are refused by name. */
export const dateField = (label: string) =>
  z
    .string({ error: `Enter the ${label}` })
    .trim()
    .min(1, { error: `Enter the ${label}` })
    .pipe(z.iso.date({ error: `The ${label} must be a real date, like 2024-03-31` }));

const optionalDate = (label: string) =>
  z.preprocess((value) => (value === "" ? undefined : value), dateField(label).optional());

export const newActionSchema = z
  .object({
    meetingItemId: optionalId,
    raisedOn: optionalDate("date it was raised"),
    number: z
      .string()
      .trim()
      .optional()
      .transform((text, context) => {
        if (!text) return null;
        const parsed = parseActionNumber(text);
        if (!parsed) {
          context.addIssue({ code: "custom", message: "The action number must look like 2023/15" });
          return z.NEVER;
        }
        return parsed;
      }),
    description: z
      .string({ error: "Describe the action" })
      .trim()
      .min(1, { error: "Describe the action" })
      .max(4000, { error: "The description must be 4,000 characters or fewer" }),
    dueDate: optionalDate("due date"),
    ownerPeople: manyIds,
    ownerRoles: z
      .string()
      .optional()
      .transform((text) =>
        (text ?? "")
          .split(/[\n,;]/)
          .map((role) => role.trim())
          .filter((role) => role !== ""),
      )
      .pipe(z.array(z.string().max(200, { error: "Each role must be 200 characters or fewer" }))),
    ownerUsers: manyIds,
  })
  .superRefine((input, context) => {
    if (input.ownerPeople.length + input.ownerRoles.length + input.ownerUsers.length === 0) {
      context.addIssue({
        code: "custom",
        path: ["ownerPeople"],
        message: "Give the action at least one owner",
      });
    }
    if (input.meetingItemId === undefined && input.raisedOn === undefined) {
      context.addIssue({
        code: "custom",
        path: ["raisedOn"],
        message: "Enter the date it was raised, or raise it from a meeting item",
      });
    }
  });
export type NewActionInput = z.infer<typeof newActionSchema>;

export const actionUpdateSchema = z.object({
  version: versionField,
  status: z.enum(actionStatuses, { error: "Choose the action's status" }),
  updatedOn: dateField("date of the update"),
  note: z
    .string({ error: "Say what has happened" })
    .trim()
    .min(1, { error: "Say what has happened" })
    .max(8000, { error: "The update must be 8,000 characters or fewer" }),
  evidenceText: optionalText(2000, "The evidence must be 2,000 characters or fewer"),
  evidenceUrl: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .url({ protocol: /^https?$/, error: "The evidence link must be a web address starting https://" })
      .max(2000)
      .optional()
      .transform((value) => value ?? null),
  ),
});
export type ActionUpdateInput = z.infer<typeof actionUpdateSchema>;

export const closeActionSchema = z.object({
  version: versionField,
  reviewMeetingId: optionalId,
  note: optionalText(8000, "The note must be 8,000 characters or fewer"),
});
export type CloseActionInput = z.infer<typeof closeActionSchema>;

const flag = z.preprocess((value) => value === "1" || value === "true", z.boolean());

export const trackerFilterSchema = z.object({
  owner: z.string().trim().max(200).optional().catch(undefined),
  status: z.enum(actionStatuses).optional().catch(undefined),
  overdue: flag.catch(false),
  mine: flag.catch(false),
  meeting: z.coerce.number().int().positive().optional().catch(undefined),
  theme: z.string().trim().max(200).optional().catch(undefined),
});
export type TrackerFilter = z.infer<typeof trackerFilterSchema>;
