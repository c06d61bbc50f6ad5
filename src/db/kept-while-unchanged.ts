import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.js";

/** The one-row tables database triggers change on every change to the tables they watch. */
type VersionTable = "measures_version" | "figures_version";

/**
 * Work read from the database and kept in memory while a version row is unchanged. Triggers change the
 * version on every change to the tables the work is read from, whoever makes it (any process, the CLI,
 * plain SQL), so what is kept is never out of date: it is worked out again once the version moves.
 *
 * The version is read before the work's own reads, so what is kept is at least as new as the version it is
 * kept with. Inside a transaction nothing is kept or served: the transaction may hold changes not yet
 * committed, or read a snapshot older than what is kept. Callers that ask for the same key at once share
 * one working out; one that fails is forgotten, so the next asks again. What is kept is shared by every
 * caller, so it must not be changed: callers freeze it.
 */
export class KeptWhileUnchanged<T> {
  /** By database (the tests open several in one process): the version seen last and what was kept at it. */
  private readonly kept = new WeakMap<object, { version: unknown; values: Map<string, Promise<T>> }>();

  constructor(
    private readonly versionTable: VersionTable,
    /** How many keys are kept at once; the one used longest ago goes first. */
    private readonly limit: number,
  ) {}

  async get(
    db: Kysely<Database> | Transaction<Database>,
    key: string,
    workOut: () => Promise<T>,
  ): Promise<T> {
    if (db.isTransaction) return workOut();
    const { version } = await db.selectFrom(this.versionTable).select("version").executeTakeFirstOrThrow();
    let kept = this.kept.get(db);
    if (kept?.version !== version) {
      kept = { version, values: new Map() };
      this.kept.set(db, kept);
    }
    const { values } = kept;
    let value = values.get(key);
    if (value === undefined) {
      value = workOut();
      value.catch(() => values.get(key) === value && values.delete(key));
      if (values.size >= this.limit) values.delete(values.keys().next().value!);
    } else {
      // Used now: to the back of the queue to go.
      values.delete(key);
    }
    values.set(key, value);
    return value;
  }
}
