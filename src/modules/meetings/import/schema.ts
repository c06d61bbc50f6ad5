import { z } from "zod";

/** Where a recognised value came from: its 1-based line number and the line as written (trimmed). */
export const SourceLineSchema = z.object({
  line: z.int().positive(),
  text: z.string(),
});

const IsoDate = z.iso.date();
const IsoTime = z.iso.time({ precision: -1 });
/** A deadline is a date, or a local date-time when the text gives a time ("by 9am"). */
const IsoDeadline = z.union([IsoDate, z.iso.datetime({ local: true, precision: -1 })]);

export const AttendanceKindSchema = z.enum(["present", "apologies", "guest", "observer", "minute-taker"]);

export const PersonSchema = z.object({
  name: z.string(),
  role: z.string().nullable(),
  /** The abbreviation the notes use for this person, e.g. "T/DCC". */
  abbreviation: z.string().nullable(),
  /** The bracketed text as written, e.g. "T/DCC Cooper", kept because it can carry more than the abbreviation. */
  abbreviationRaw: z.string().nullable(),
});

export const AttendeeSchema = PersonSchema.extend({
  kind: AttendanceKindSchema,
  source: SourceLineSchema,
});

export const ChairSchema = PersonSchema.extend({ source: SourceLineSchema });

export const PeriodSchema = z.object({
  /** Canonical label, e.g. "Quarter 2 – 2023/24". */
  label: z.string(),
  quarter: z.int().min(1).max(4).nullable(),
  /** Financial year, e.g. "2023/24". */
  year: z.string(),
});

export const DocumentKindSchema = z.enum(["agenda", "notes", "minutes"]);

export const MeetingSchema = z.object({
  title: z.string().nullable(),
  type: z.string().nullable(),
  theme: z.string().nullable(),
  documentKind: DocumentKindSchema.nullable(),
  period: PeriodSchema.nullable(),
  date: IsoDate.nullable(),
  startTime: IsoTime.nullable(),
  endTime: IsoTime.nullable(),
  venue: z.string().nullable(),
  chair: ChairSchema.nullable(),
  /** Header lines that supplied the fields above, and attendance headings such as "Apologies:". */
  sources: z.array(SourceLineSchema),
});

/** Who leads an item, e.g. "PCC/T/CC" → people ["PCC", "T/CC"]. */
export const LeadSchema = z.object({
  text: z.string(),
  people: z.array(z.string()),
  source: SourceLineSchema,
});

/** A bulleted point; in agendas these are the PCC's focus areas, nested by `level` (0 = outermost). */
export const FocusPointSchema = z.object({
  level: z.int().nonnegative(),
  text: z.string(),
  source: SourceLineSchema,
});

/** What the force must submit for an item, and by when. */
export const PaperSchema = z.object({
  text: z.string(),
  submitTo: z.string().nullable(),
  deadline: IsoDeadline.nullable(),
  source: SourceLineSchema,
});

export const ActionSchema = z.object({
  /** As written, e.g. "2023/15". */
  number: z.string().nullable(),
  /** Initials, abbreviations or names, e.g. ["RJ"]. */
  owners: z.array(z.string()),
  description: z.string(),
  due: IsoDate.nullable(),
  source: SourceLineSchema,
});

export const DecisionSchema = z.object({
  ref: z.string().nullable(),
  text: z.string(),
  source: SourceLineSchema,
});

export const PaperPurposeSchema = z.enum([
  "decision",
  "information",
  "discussion",
  "agreement",
  "noting",
  "assurance",
]);

/** Notes are kept verbatim; a paragraph's lines are joined with "\n". */
export const NoteBlockSchema = z.object({
  kind: z.enum(["heading", "paragraph"]),
  text: z.string(),
  line: z.int().positive(),
  endLine: z.int().positive(),
});

export const ItemSchema = z.object({
  number: z.int().nonnegative(),
  title: z.string(),
  ref: z.string().nullable(),
  purpose: PaperPurposeSchema.nullable(),
  lead: LeadSchema.nullable(),
  focus: z.array(FocusPointSchema),
  papers: z.array(PaperSchema),
  actions: z.array(ActionSchema),
  decisions: z.array(DecisionSchema),
  notes: z.array(NoteBlockSchema),
  /** The item's heading line, plus any "Ref:" or "Purpose:" lines folded into its fields. */
  sources: z.array(SourceLineSchema),
});

export const NextMeetingSchema = z.object({
  type: z.string().nullable(),
  theme: z.string().nullable(),
  date: IsoDate.nullable(),
  startTime: IsoTime.nullable(),
  endTime: IsoTime.nullable(),
  venue: z.string().nullable(),
  sources: z.array(SourceLineSchema),
});

export const UnrecognisedLineSchema = SourceLineSchema.extend({
  reason: z.string(),
  /** The item whose notes also hold this line; null when it came before the first item. */
  keptInItem: z.int().nonnegative().nullable(),
});

export const MeetingFieldSchema = z.enum([
  "title",
  "type",
  "period",
  "date",
  "time",
  "venue",
  "chair",
  "attendees",
  "nextMeeting",
]);

export const ImportSummarySchema = z.object({
  attendees: z.record(AttendanceKindSchema, z.int().nonnegative()),
  itemNumbers: z.array(z.int().nonnegative()),
  focusPoints: z.int().nonnegative(),
  papers: z.int().nonnegative(),
  actions: z.int().nonnegative(),
  decisions: z.int().nonnegative(),
  noteBlocks: z.int().nonnegative(),
  unrecognised: z.int().nonnegative(),
  /** Meeting fields the text did not supply, for the reviewer to fill in. */
  missing: z.array(MeetingFieldSchema),
});

export const PublishedMeetingDraftSchema = z.object({
  meeting: MeetingSchema,
  attendees: z.array(AttendeeSchema),
  items: z.array(ItemSchema),
  nextMeeting: NextMeetingSchema.nullable(),
  unrecognised: z.array(UnrecognisedLineSchema),
  summary: ImportSummarySchema,
});

export type SourceLine = z.infer<typeof SourceLineSchema>;
export type AttendanceKind = z.infer<typeof AttendanceKindSchema>;
export type Person = z.infer<typeof PersonSchema>;
export type Attendee = z.infer<typeof AttendeeSchema>;
export type Chair = z.infer<typeof ChairSchema>;
export type Period = z.infer<typeof PeriodSchema>;
export type DocumentKind = z.infer<typeof DocumentKindSchema>;
export type Meeting = z.infer<typeof MeetingSchema>;
export type Lead = z.infer<typeof LeadSchema>;
export type FocusPoint = z.infer<typeof FocusPointSchema>;
export type Paper = z.infer<typeof PaperSchema>;
export type Action = z.infer<typeof ActionSchema>;
export type Decision = z.infer<typeof DecisionSchema>;
export type PaperPurpose = z.infer<typeof PaperPurposeSchema>;
export type NoteBlock = z.infer<typeof NoteBlockSchema>;
export type Item = z.infer<typeof ItemSchema>;
export type NextMeeting = z.infer<typeof NextMeetingSchema>;
export type UnrecognisedLine = z.infer<typeof UnrecognisedLineSchema>;
export type MeetingField = z.infer<typeof MeetingFieldSchema>;
export type ImportSummary = z.infer<typeof ImportSummarySchema>;
export type PublishedMeetingDraft = z.infer<typeof PublishedMeetingDraftSchema>;
