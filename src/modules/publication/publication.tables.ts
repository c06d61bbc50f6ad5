import type { Generated, Insertable, Selectable } from "kysely";
import type { StatementStatus } from "./publication.schema.js";

export interface PublicationTables {
  priority_statements: PriorityStatementTable;
}

/** One version of the 7A statement: a draft until published, then fixed and kept as history. */
export interface PriorityStatementTable {
  id: Generated<number>;
  title: string;
  body_markdown: string;
  /** The latest period the generated figures ran to, e.g. "March 2026"; null if none were found. */
  figures_to: string | null;
  status: StatementStatus;
  /** The date the statement is published with (`YYYY-MM-DD`). */
  published_on: string | null;
  published_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  /** Bumped by every save: a form opened at an older version cannot overwrite a newer save. */
  version: Generated<number>;
}
export type PriorityStatementRow = Selectable<PriorityStatementTable>;
export type NewPriorityStatementRow = Insertable<PriorityStatementTable>;
