import type { Generated, Insertable, Selectable } from "kysely";
import type { MeasureExceptionKind } from "./exceptions.js";

export interface BriefingTables {
  briefing_suggestions: BriefingSuggestionTable;
}

export const suggestionStatuses = ["suggested", "accepted", "dropped"] as const;
export type SuggestionStatus = (typeof suggestionStatuses)[number];

export type SuggestionKind =
  MeasureExceptionKind | "action-overdue" | "finding-past-target" | "paper-late" | "paper-missing";

export interface BriefingSuggestionTable {
  id: Generated<number>;
  meeting_id: number;
  meeting_item_id: number;
  kind: SuggestionKind;
  /** What prompted it, unique per meeting: "measure:<id>:<kind>:<period>", "action:<id>", "finding:<id>", "paper-request:<id>:late". */
  source_ref: string;
  /** The figure or fact that prompted it, in words. */
  figure: string;
  /** The suggested line of enquiry, as the officer last left it. */
  text: string;
  status: SuggestionStatus;
  /** The line of enquiry accepting it created. */
  line_of_enquiry_id: number | null;
  created_at: string;
  updated_at: string;
}
export type BriefingSuggestionRow = Selectable<BriefingSuggestionTable>;
export type NewBriefingSuggestionRow = Insertable<BriefingSuggestionTable>;
