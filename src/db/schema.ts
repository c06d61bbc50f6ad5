import type { Generated, Insertable, Selectable } from "kysely";
import type { ActionTables } from "../modules/actions/actions.tables.js";
import type { BriefingTables } from "../modules/briefing/briefing.tables.js";
import type { CrimeTables } from "../modules/crime/crime.tables.js";
import type { InspectionTables } from "../modules/inspections/inspections.tables.js";
import type { MeasureTables } from "../modules/measures/measures.tables.js";
import type { MeetingTables } from "../modules/meetings/meetings.tables.js";
import type { MsgGroupTables } from "../modules/crime/msg-groups.tables.js";
import type { ReportTables } from "../modules/reports/reports.tables.js";
import type { PublicationTables } from "../modules/publication/publication.tables.js";

/**
 * The tables as the application sees them: the foundation's here, each domain's in its own module's
 * `*.tables.ts`, joined below. Timestamps are ISO-8601 UTC strings and dates `YYYY-MM-DD` on both SQLite and
 * PostgreSQL, so one code path reads them; flags are 0/1 integers for the same reason.
 */
export type Database = FoundationTables &
  MeetingTables &
  InspectionTables &
  ActionTables &
  CrimeTables &
  MeasureTables &
  ReportTables &
  PublicationTables &
  MsgGroupTables &
  BriefingTables;

export interface FoundationTables {
  app_settings: AppSettingTable;
  users: UserTable;
  sessions: SessionTable;
  sign_in_failures: SignInFailureTable;
  audit_log: AuditLogTable;
}

export interface AppSettingTable {
  key: string;
  value: string;
}

export const roles = ["admin", "opcc", "force", "panel"] as const;
export type Role = (typeof roles)[number];

export interface UserTable {
  id: Generated<number>;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  must_change_password: number;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}
export type UserRow = Selectable<UserTable>;
export type NewUserRow = Insertable<UserTable>;

export interface SessionTable {
  /** SHA-256 of the session id, so a copy of the table cannot be replayed as cookies. */
  id_hash: string;
  data: string;
  user_id: number | null;
  expires_at: string;
  created_at: string;
}

export interface SignInFailureTable {
  id: Generated<number>;
  email: string;
  ip: string;
  at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  user_id: number | null;
  actor: string;
  ip: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before_json: string | null;
  after_json: string | null;
  prev_hash: string | null;
  hash: string;
}
export type AuditRow = Selectable<AuditLogTable>;
