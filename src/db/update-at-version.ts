import type { Generated, Kysely, Selectable, Transaction, Updateable } from "kysely";
import type { Database } from "./schema.js";

/** The tables of records two people may edit at once: each row has an id and a version every save bumps. */
export type VersionedTable = {
  [T in keyof Database]: Database[T] extends { id: Generated<number>; version: Generated<number> }
    ? T
    : never;
}[keyof Database];

/**
 * Saves changes to a row and bumps its version. With atVersion, only if nobody has saved it since that version
 * was read: the check and the bump are one statement, so of two saves from one version exactly one wins.
 * Undefined if the row has moved on (or is not there).
 */
export function updateAtVersion<T extends VersionedTable>(
  db: Kysely<Database> | Transaction<Database>,
  table: T,
  id: number,
  changes: Omit<Updateable<Database[T]>, "id" | "version">,
  atVersion?: number,
): Promise<Selectable<Database[T]> | undefined> {
  // The statement is the same for every versioned table. Kysely cannot type a query over a table given as a
  // type parameter, so it is typed as one of them here; the signature above keeps each caller's own types.
  const versioned = table as "actions";
  return db
    .updateTable(versioned)
    .set((eb) => ({ ...(changes as Updateable<Database["actions"]>), version: eb("version", "+", 1) }))
    .where("id", "=", id)
    .$if(atVersion !== undefined, (qb) => qb.where("version", "=", atVersion!))
    .returningAll()
    .executeTakeFirst() as Promise<unknown> as Promise<Selectable<Database[T]> | undefined>;
}
