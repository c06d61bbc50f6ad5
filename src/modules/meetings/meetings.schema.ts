import { z } from "zod";
import { versionField } from "../../lib/stale-edit.js";
import {
  assuranceLevels,
  attendanceKinds,
  decisionOutcomes,
  itemLinkTargets,
  meetingStatuses,
  paperKinds,
} from "./meetings.tables.js";

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `Must be ${max} characters or fewer` })
    .optional()
    .transform((value) => (value ? value : null));

const isoDate = (message: string) =>
  z
    .string({ error: message })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: message })
    .refine((value) => !Number.isNaN(new Date(`${value}T00:00:00Z`).getTime()), { error: message });

const time = (message: string) =>
  z
    .string()
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: message })
    .optional()
    .or(z.literal("").transform(() => undefined))
    .transform((value) => value ?? null);

const id = z.coerce.number().int().positive();

const meetingFields = {
  periodLabel: optionalText(100),
  theme: optionalText(200),
  date: isoDate("Enter the meeting date, like 2024-06-20"),
  startTime: time("Enter the start time as hours and minutes, like 10:00"),
  endTime: time("Enter the end time as hours and minutes, like 12:30"),
  venue: optionalText(300),
};

function endAfterStart(
  meeting: { startTime: string | null; endTime: string | null },
  context: z.RefinementCtx,
) {
  if (meeting.startTime && meeting.endTime && meeting.endTime <= meeting.startTime) {
    context.addIssue({
      code: "custom",
      path: ["endTime"],
      message: `The end time must be after the start time (${meeting.startTime})`,
    });
  }
}

export const newMeetingSchema = z
  .object({
    meetingTypeId: z.coerce.number({ error: "Choose the type of meeting" }).int().positive({
      error: "Choose the type of meeting",
    }),
    ...meetingFields,
  })
  .superRefine(endAfterStart);
export type NewMeetingInput = z.infer<typeof newMeetingSchema>;

export const meetingDetailsSchema = z
  .object({
    ...meetingFields,
    chair: optionalText(200),
    nextMeetingId: z
      .string()
      .optional()
      .transform((value) => (value ? Number(value) : null))
      .pipe(z.number().int().positive().nullable()),
  })
  .superRefine(endAfterStart);
export type MeetingDetailsInput = z.infer<typeof meetingDetailsSchema>;

export const paperRequestSchema = z.object({
  kind: z.enum(paperKinds, { error: "Choose what is requested" }),
  description: z
    .string()
    .trim()
    .min(1, { error: "Describe the paper requested" })
    .max(500, { error: "Must be 500 characters or fewer" }),
  provider: z
    .string()
    .trim()
    .min(1, { error: "Enter who provides it, like T/DCC" })
    .max(200, { error: "Must be 200 characters or fewer" }),
  deadlineDate: isoDate("Enter the deadline date, like 2024-06-10"),
  deadlineTime: z
    .string()
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "Enter the deadline time, like 09:00" }),
  restricted: z
    .string()
    .optional()
    .transform((value) => (value === "1" ? 1 : 0)),
});
export type PaperRequestInput = z.infer<typeof paperRequestSchema>;

export const itemNotesSchema = z.object({
  version: versionField,
  notes: z.string().max(100_000, { error: "Notes must be 100,000 characters or fewer" }).default(""),
});

export const lineOfEnquirySchema = z.object({
  askedBy: z.string().trim().min(1, { error: "Enter who asked, like PCC" }).max(200),
  question: z.string().trim().min(1, { error: "Enter the question asked" }).max(5000),
  response: z.string().trim().max(20_000).default(""),
  assurance: z.enum(assuranceLevels, { error: "Choose the assurance level" }),
});
export type LineOfEnquiryInput = z.infer<typeof lineOfEnquirySchema>;

export const decisionSchema = z.object({
  purpose: z.string().trim().min(1, { error: "Enter the purpose of the paper" }).max(2000),
  outcome: z.enum(decisionOutcomes, { error: "Choose the outcome" }),
  amount: z
    .string()
    .trim()
    .regex(/^(\d{1,3}(,\d{3})*|\d+)(\.\d{1,2})?$/, { error: "Enter the amount in pounds, like 12,500.00" })
    .optional()
    .or(z.literal("").transform(() => undefined))
    .transform((value) => (value ? Math.round(Number(value.replaceAll(",", "")) * 100) : null)),
  conditions: z.string().trim().max(5000).default(""),
});
export type DecisionInput = z.infer<typeof decisionSchema>;

export const lineOfEnquiryChangeSchema = lineOfEnquirySchema.extend({ version: versionField });
export const decisionChangeSchema = decisionSchema.extend({ version: versionField });

export const itemLinkSchema = z
  .object({
    targetType: z.enum(itemLinkTargets, { error: "Choose what to link" }),
    measureRef: z.string().trim().max(200).optional(),
    findingRef: z.string().trim().max(20).optional(),
    actionRef: z.string().trim().max(20).optional(),
  })
  .transform((form, context) => {
    // Each kind of link has its own list on the page; the button pressed says which one is meant.
    const targetRef = form[`${form.targetType}Ref`];
    if (!targetRef) {
      context.addIssue({
        code: "custom",
        path: [`${form.targetType}Ref`],
        message: `Choose a${form.targetType === "action" ? "n" : ""} ${form.targetType} from the list`,
      });
      return z.NEVER;
    }
    return { targetType: form.targetType, targetRef };
  });
export type ItemLinkInput = z.infer<typeof itemLinkSchema>;

export const statusChangeSchema = z.object({
  status: z.enum(meetingStatuses, { error: "Choose a status" }),
});

export const itemSchema = z.object({
  version: versionField,
  title: z.string().trim().min(1, { error: "Enter the item title" }).max(300),
  lead: optionalText(100),
  restricted: z
    .string()
    .optional()
    .transform((value) => (value === "1" ? 1 : 0)),
});

export const attendeeSchema = z.object({
  name: z.string().trim().min(1, { error: "Enter the person's name" }).max(200),
  kind: z.enum(attendanceKinds, { error: "Choose how they attended" }),
});

export const attendeeChangeSchema = z.object({
  kind: z.enum(attendanceKinds, { error: "Choose how they attended" }),
  roleText: optionalText(200),
  abbreviation: optionalText(30),
});
export type AttendeeChangeInput = z.infer<typeof attendeeChangeSchema>;

export const personRoleSchema = z
  .object({
    abbreviation: z.string().trim().min(1, { error: "Choose the role" }).max(30),
    organisation: z.string().trim().min(1, { error: "Enter the organisation, like OPCC" }).max(100),
    startsOn: isoDate("Enter the date the role started, like 2023-04-01"),
    endsOn: z
      .string()
      .trim()
      .optional()
      .transform((value) => (value ? value : null))
      .pipe(isoDate("Enter the date the role ended, like 2024-03-31").nullable()),
  })
  .superRefine((role, context) => {
    if (role.endsOn && role.endsOn < role.startsOn) {
      context.addIssue({
        code: "custom",
        path: ["endsOn"],
        message: "The end date must be after the start date",
      });
    }
  });
export type PersonRoleInput = z.infer<typeof personRoleSchema>;

export const templateSchema = z.object({
  items: z
    .string()
    .trim()
    .min(1, { error: "Enter at least one standing item" })
    .max(10_000)
    .transform((text) =>
      text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => {
          const [title = "", lead = ""] = line.split("|").map((part) => part.trim());
          return { title, lead: lead || null };
        }),
    ),
});

export const idParams = z.object({ id });
export const itemParams = z.object({ id, itemId: id });
/** A record of a meeting (an attendee) or of one of its items (a line of enquiry, a decision, a link). */
export const recordParams = z.object({ id, itemId: id.optional(), recordId: id });
export type RecordParams = z.infer<typeof recordParams>;
export const itemRecordParams = z.object({ id, itemId: id, recordId: id });

export const assuranceLabels: Record<(typeof assuranceLevels)[number], string> = {
  assured: "Assured",
  "partially-assured": "Partially assured",
  "not-assured": "Not assured",
  "further-information-requested": "Further information requested",
};

export const outcomeLabels: Record<(typeof decisionOutcomes)[number], string> = {
  approved: "Approved",
  "approved-subject-to": "Approved subject to conditions",
  "supported-in-principle": "Supported in principle",
  "not-supported": "Not supported",
  deferred: "Deferred",
};

export const paperKindLabels: Record<(typeof paperKinds)[number], string> = {
  paper: "Paper",
  presentation: "Presentation (shared after the meeting)",
  "action-tracker-update": "Action tracker update",
};

export const attendanceLabels: Record<(typeof attendanceKinds)[number], string> = {
  present: "Present",
  apologies: "Apologies",
  guest: "Guest presenter",
  observer: "Observer",
  "minute-taker": "Minute-taker",
};
