import { z } from "zod";
import { versionField } from "../../lib/stale-edit.js";

export const inspectionKinds = [
  "peel",
  "national_thematic",
  "victim_service_assessment",
  "victim_service_revisit",
  "serious_organised_crime",
  "custody",
  "other",
] as const;
export type InspectionKind = (typeof inspectionKinds)[number];
export const inspectionKindLabels: Record<InspectionKind, string> = {
  peel: "PEEL",
  national_thematic: "National thematic",
  victim_service_assessment: "Victim service assessment",
  victim_service_revisit: "Victim service assessment revisit",
  serious_organised_crime: "Serious and organised crime",
  custody: "Custody",
  other: "Other",
};

/** HMICFRS's five-point PEEL scale, best first. */
export const grades = ["outstanding", "good", "adequate", "requires_improvement", "inadequate"] as const;
export type Grade = (typeof grades)[number];
export const gradeLabels: Record<Grade, string> = {
  outstanding: "Outstanding",
  good: "Good",
  adequate: "Adequate",
  requires_improvement: "Requires improvement",
  inadequate: "Inadequate",
};

export const findingKinds = [
  "cause_of_concern",
  "recommendation",
  "area_for_improvement",
  "national_recommendation",
  "other",
] as const;
export type FindingKind = (typeof findingKinds)[number];
export const findingKindLabels: Record<FindingKind, string> = {
  cause_of_concern: "Cause of concern",
  recommendation: "Recommendation",
  area_for_improvement: "Area for improvement",
  national_recommendation: "National recommendation",
  other: "Other finding",
};

export const findingStatuses = ["open", "in_progress", "ready_for_closure", "closed", "superseded"] as const;
export type FindingStatus = (typeof findingStatuses)[number];
export const findingStatusLabels: Record<FindingStatus, string> = {
  open: "Open",
  in_progress: "In progress",
  ready_for_closure: "Ready for closure",
  closed: "Closed",
  superseded: "Superseded",
};

export const closedByOptions = ["hmicfrs", "force"] as const;
export type ClosedBy = (typeof closedByOptions)[number];
export const closedByLabels: Record<ClosedBy, string> = { hmicfrs: "HMICFRS", force: "The force" };

export const rags = ["red", "amber", "green"] as const;
export type Rag = (typeof rags)[number];

export const assessments = ["assured", "partially_assured", "not_assured"] as const;
export type Assessment = (typeof assessments)[number];
export const assessmentLabels: Record<Assessment, string> = {
  assured: "Assured",
  partially_assured: "Partially assured",
  not_assured: "Not assured",
};

const isoDate = (message: string) => z.string().trim().refine(isCalendarDate, { error: message });

/** `YYYY-MM-DD` naming a day that exists: 2024-02-30 does not round-trip through Date, 2024-02-29 does. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((value) => value || null)
    .optional()
    .transform((value) => value ?? null);

const optionalUrl = z
  .string()
  .trim()
  .refine((value) => value === "" || /^https?:\/\/\S+$/.test(value), {
    error: "Enter a web address starting with http:// or https://",
  })
  .transform((value) => value || null)
  .optional()
  .transform((value) => value ?? null);

const optionalDate = z
  .string()
  .trim()
  .refine((value) => value === "" || isCalendarDate(value), {
    error: "Enter a real date, like 2025-03-31",
  })
  .transform((value) => value || null)
  .optional()
  .transform((value) => value ?? null);

export const inspectionSchema = z.object({
  kind: z.enum(inspectionKinds, { error: "Choose the kind of inspection" }),
  title: z.string().trim().min(1, { error: "Enter the report's title" }).max(300),
  published_on: isoDate("Enter the date the report was published, like 2025-03-31"),
  report_url: optionalUrl,
  scope: optionalText(4000),
});
export type InspectionInput = z.infer<typeof inspectionSchema>;
export const inspectionChangeSchema = inspectionSchema.extend({ version: versionField });

export const gradeSchema = z.object({
  question_area: z.string().trim().min(1, { error: "Enter the PEEL question area" }).max(200),
  grade: z.enum(grades, { error: "Choose a grade" }),
});
export type GradeInput = z.infer<typeof gradeSchema>;

export const findingSchema = z.object({
  kind: z.enum(findingKinds, { error: "Choose the kind of finding" }),
  reference: z.string().trim().min(1, { error: "Enter the finding's reference, like AFI 3" }).max(50),
  text: z.string().trim().min(1, { error: "Enter the finding's text" }).max(8000),
  owner: optionalText(200),
  target_date: optionalDate,
  parent_id: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? Number(value) : null))
    .pipe(z.number().int().positive().nullable()),
});
export type FindingInput = z.infer<typeof findingSchema>;
export const findingChangeSchema = findingSchema.extend({ version: versionField });

export const transitionSchema = z.object({
  to: z.enum(findingStatuses, { error: "Choose the new status" }),
  reason: optionalText(4000),
  closed_by: z
    .enum([...closedByOptions, ""])
    .optional()
    .transform((value) => value || null),
  decided_by: optionalText(200),
  superseded_by_id: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? Number(value) : null))
    .pipe(z.number().int().positive().nullable()),
});
export type TransitionInput = z.infer<typeof transitionSchema>;

export const updateSchema = z.object({
  update_date: isoDate("Enter the date of the update, like 2025-06-30"),
  narrative: z.string().trim().min(1, { error: "Describe the progress made" }).max(8000),
  rag: z.enum(rags, { error: "Choose a RAG rating" }),
  evidence: optionalText(8000),
  evidence_url: optionalUrl,
});
export type UpdateInput = z.infer<typeof updateSchema>;

export const assessmentSchema = z.object({
  assessment: z.enum(assessments, { error: "Choose the OPCC's assessment" }),
  assessment_reason: z.string().trim().min(1, { error: "Give the reason for the assessment" }).max(4000),
});
export type AssessmentInput = z.infer<typeof assessmentSchema>;

export const linkSchema = z
  .object({
    measure_id: optionalText(100),
    agenda_item_id: z
      .string()
      .trim()
      .optional()
      .transform((value) => (value ? Number(value) : null))
      .pipe(z.number({ error: "Enter the agenda item's number" }).int().positive().nullable()),
    note: optionalText(500),
  })
  .refine((link) => link.measure_id !== null || link.agenda_item_id !== null, {
    error: "Enter a measure or an agenda item",
    path: ["measure_id"],
  });
export type LinkInput = z.infer<typeof linkSchema>;

export const responseSchema = z
  .object({ introduction: z.string().trim().max(8000).default(""), version: versionField })
  .catchall(z.string().trim().max(8000));
/** Publishing names the version the publisher read. */
export const publishResponseSchema = z.object({ version: versionField });

export const registerFilterSchema = z.object({
  kind: z.enum(findingKinds).optional().catch(undefined),
  status: z.enum(findingStatuses).optional().catch(undefined),
  overdue: z
    .enum(["yes"])
    .optional()
    .catch(undefined)
    .transform((value) => value === "yes"),
  inspection: z.coerce.number().int().positive().optional().catch(undefined),
});
export type RegisterFilter = z.infer<typeof registerFilterSchema>;
