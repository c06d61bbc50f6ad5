import type { Generated, Insertable, Selectable } from "kysely";
import type { ActionStatus } from "./action-rules.js";

export interface ActionTables {
  action_number_counters: ActionNumberCounterTable;
  actions: ActionTable;
  action_owners: ActionOwnerTable;
  action_updates: ActionUpdateTable;
}

export interface ActionNumberCounterTable {
  year: number;
  last_number: number;
}

export interface ActionTable {
  id: Generated<number>;
  /** With `number`, the published reference "2023/15"; unique together. */
  year: number;
  number: number;
  meeting_item_id: number | null;
  /** The date of the raising meeting, or of raising it outside a meeting. */
  raised_on: string;
  description: string;
  due_date: string | null;
  status: ActionStatus;
  /** The meeting whose review closed it. */
  closed_at_meeting_id: number | null;
  closed_on: string | null;
  version: Generated<number>;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}
export type ActionRow = Selectable<ActionTable>;
export type NewActionRow = Insertable<ActionTable>;

export interface ActionOwnerTable {
  id: Generated<number>;
  action_id: number;
  person_id: number | null;
  /** A role as written, e.g. "T/DCC", when the owner is a post rather than a named person. */
  role_text: string | null;
  /** The account that may update the action on the owner's behalf. */
  user_id: number | null;
  position: number;
}
export type ActionOwnerRow = Selectable<ActionOwnerTable>;

export interface ActionUpdateTable {
  id: Generated<number>;
  action_id: number;
  updated_on: string;
  note: string;
  status_before: ActionStatus;
  status_after: ActionStatus;
  evidence_text: string | null;
  evidence_url: string | null;
  /** An attached file (a PDF, Word, Excel or PowerPoint document): its name as uploaded, and where it is kept. */
  evidence_file_name: string | null;
  evidence_stored_name: string | null;
  evidence_media_type: string | null;
  evidence_size_bytes: number | null;
  /** Set on the update that closed the action: the meeting whose review closed it. */
  review_meeting_id: number | null;
  author_user_id: number | null;
  /** Who wrote it, as the audit log names them (an email, or "cli (…)" for an import). */
  author_label: string;
  created_at: string;
}
export type ActionUpdateRow = Selectable<ActionUpdateTable>;
