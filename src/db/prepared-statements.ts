import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from "kysely";
import type pg from "pg";

/** How many reads each connection keeps prepared: the pages' and the API's few dozen fit many times over. */
const PREPARED_PER_CONNECTION = 200;

/**
 * A pg pool for Kysely whose connections send each read (a `select`) as a named prepared statement, so
 * that PostgreSQL parses it once per connection and, after five runs, may keep one plan for it. Kysely
 * sends every statement unnamed, parsed and planned afresh: 0.1-0.5 ms of the server's CPU a query,
 * on the same cores as the app. Only reads are named: their texts are few (ingests' inserts vary with
 * their batches). Each connection names at most `limit` texts, kept by the server until it closes;
 * beyond that, reads are sent unnamed, as before. The gain is the kept plan (with every run planned
 * afresh, `plan_cache_mode = force_custom_plan`, series took as long as unnamed); a kept plan cannot see
 * the values, so filters on a list are best sent as one array (see police-uk-series.ts).
 */
export function preparingPool(pool: pg.Pool, limit = PREPARED_PER_CONNECTION): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let preparing = clients.get(client);
      if (!preparing) clients.set(client, (preparing = preparingClient(client, limit)));
      return preparing;
    },
    end: () => pool.end(),
  };
}

function preparingClient(client: pg.PoolClient, limit: number): PostgresPoolClient {
  /** Statement text → the name it was prepared under on this connection. */
  let names = new Map<string, string>();
  /** Names made on this connection: a name is never given twice, even after names are forgotten. */
  let made = 0;

  function nameOf(text: string): string | undefined {
    const name = names.get(text);
    if (name !== undefined || names.size >= limit || !/^select\s/i.test(text)) return name;
    made += 1;
    names.set(text, `scrutineer_${made}`);
    return names.get(text);
  }

  async function run(text: string, values: unknown[]): Promise<pg.QueryResult> {
    const name = nameOf(text);
    if (name === undefined) return client.query(text, values);
    try {
      return await client.query({ name, text, values });
    } catch (error) {
      if (!isStalePlan(error)) throw error;
      // A migration by another process changed what a kept read returns (a column added to a table it
      // reads whole), and PostgreSQL will not run it again: prepare every read afresh. Outside a
      // transaction the old ones are dropped and the read is run again; inside one, the transaction has
      // failed already, and the old ones stay until the connection closes.
      names = new Map();
      // pg hands the error over before the server's next ready message, so the status is still the
      // one from before this read: "I" when no transaction was open.
      if (client.getTransactionStatus() !== "I") throw error;
      await client.query("deallocate all");
      return run(text, values);
    }
  }

  function query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
  function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  function query<R>(
    statement: string | PostgresCursor<R>,
    parameters: readonly unknown[] = [],
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    // Cursors (Kysely streams through them when configured with one) go as they come.
    if (typeof statement !== "string")
      return client.query(statement as unknown as pg.Submittable) as unknown as PostgresCursor<R>;
    return run(statement, [...parameters]) as unknown as Promise<PostgresQueryResult<R>>;
  }
  return { query, release: (destroy) => client.release(destroy) };
}

/** PostgreSQL's refusal to run a prepared statement whose result's columns have changed since. */
function isStalePlan(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { code?: string }).code === "0A000" &&
    error.message.includes("cached plan must not change result type")
  );
}
