import { sql, type AliasedRawBuilder, type Kysely, type Transaction } from "kysely";
import { executeManyRows } from "../../db/dialect.js";
import { isPostgres } from "../../db/migrations/helpers.js";
import type { Database } from "../../db/schema.js";
import { groupOfPoliceUkLabel } from "../../stats/outcomes.js";
import type { IngestLogRow, IngestLogTable, MonthlyCountTable } from "./crime.tables.js";
import type { FileKind, PoliceFileIdentity } from "./file-kinds.js";
import { msgPeerIdsQuery } from "./msg-groups.repository.js";
import type { Force } from "./reference.js";

export type Executor = Kysely<Database> | Transaction<Database>;
type LabelTable = "crime_types" | "crime_outcome_categories";

/** What a file of each kind replaces: its rows, and for street files the counts made from them. */
export async function deleteForceMonth(trx: Executor, identity: PoliceFileIdentity): Promise<void> {
  const { forceId, month } = identity;
  for (const table of tablesOf(identity.kind)) {
    await trx.deleteFrom(table).where("force_id", "=", forceId).where("month", "=", month).execute();
  }
}

function tablesOf(
  kind: FileKind,
): (
  | "crime_street_crimes"
  | "crime_monthly_counts"
  | "crime_lsoa_counts"
  | "crime_type_counts"
  | "crime_outcome_counts"
  | "crime_outcome_events"
  | "crime_stop_searches"
)[] {
  switch (kind) {
    case "street":
      return [
        "crime_street_crimes",
        "crime_monthly_counts",
        "crime_lsoa_counts",
        "crime_type_counts",
        "crime_outcome_counts",
      ];
    case "outcomes":
      return ["crime_outcome_events"];
    case "stop-and-search":
      return ["crime_stop_searches"];
  }
}

export async function saveForce(trx: Executor, force: Force): Promise<void> {
  await trx
    .insertInto("crime_forces")
    .values({ id: force.id, name: force.name })
    .onConflict((oc) => oc.column("id").doUpdateSet({ name: force.name }))
    .execute();
}

export async function labelIds(trx: Executor, table: LabelTable): Promise<Map<string, number>> {
  const rows = await trx.selectFrom(table).select(["id", "label"]).execute();
  return new Map(rows.map((row) => [row.label, row.id]));
}

export async function labelsById(db: Executor, table: LabelTable): Promise<Map<number, string>> {
  return new Map([...(await labelIds(db, table))].map(([label, id]) => [id, label]));
}

/** The id of a label, adding it if new (crime types and outcome categories change over the years). */
export async function labelId(trx: Executor, table: LabelTable, label: string): Promise<number> {
  const insert =
    table === "crime_outcome_categories"
      ? trx.insertInto(table).values({ label, outcome_group: groupOfPoliceUkLabel(label) })
      : trx.insertInto(table).values({ label });
  await insert.onConflict((oc) => oc.column("label").doNothing()).execute();
  const row = await trx.selectFrom(table).select("id").where("label", "=", label).executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Sets each outcome category's group to the one our mapping gives it now: the mapping is code, and a
 * release may change it. Run at start-up; it writes only the rows whose group has changed.
 */
export async function syncOutcomeGroups(db: Executor): Promise<void> {
  const rows = await db
    .selectFrom("crime_outcome_categories")
    .select(["id", "label", "outcome_group"])
    .execute();
  for (const row of rows) {
    const group = groupOfPoliceUkLabel(row.label);
    if (row.outcome_group === group) continue;
    await db
      .updateTable("crime_outcome_categories")
      .set({ outcome_group: group })
      .where("id", "=", row.id)
      .execute();
  }
}

export interface LsoaEntry {
  code: string;
  name: string | null;
  localAuthorityCode: string | null;
}

/** Adds LSOAs not seen before; a known LSOA keeps the name and local authority it was first given. */
export async function saveLsoas(trx: Executor, lsoas: readonly LsoaEntry[]): Promise<void> {
  if (lsoas.length === 0) return;
  if (isPostgres(trx)) {
    // Three array parameters whatever the count: PostgreSQL took longer to parse and plan a
    // thousand-row VALUES list than to run it (measured: about 40 ms a statement).
    await sql`insert into crime_lsoas (code, name, local_authority_code)
      select * from unnest(${lsoas.map((l) => l.code)}::text[], ${lsoas.map((l) => l.name)}::text[],
        ${lsoas.map((l) => l.localAuthorityCode)}::text[])
      on conflict (code) do nothing`.execute(trx);
    return;
  }
  const perStatement = 1_000;
  for (let start = 0; start < lsoas.length; start += perStatement) {
    await trx
      .insertInto("crime_lsoas")
      .values(
        lsoas.slice(start, start + perStatement).map((lsoa) => ({
          code: lsoa.code,
          name: lsoa.name,
          local_authority_code: lsoa.localAuthorityCode,
        })),
      )
      .onConflict((oc) => oc.column("code").doNothing())
      .execute();
  }
}

export async function insertIngestLog(trx: Executor, entry: Omit<IngestLogTable, "id">): Promise<number> {
  const row = await trx.insertInto("crime_ingests").values(entry).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

export async function listIngests(db: Executor, limit: number): Promise<IngestLogRow[]> {
  return db.selectFrom("crime_ingests").selectAll().orderBy("id", "desc").limit(limit).execute();
}

/**
 * The records in each force's newest file of a kind, by month: what a force supplied, to tell a partly
 * reported month from a whole one. Of the force named and, withPeers, its Most Similar Group peers; the
 * months `YYYY-MM`, inclusive, open where not given.
 */
export async function loadedVolumes(
  db: Executor,
  kind: FileKind,
  forceId: string,
  options: { withPeers: boolean; from?: string | undefined; to?: string | undefined },
): Promise<{ force_id: string; month: string; rows: number }[]> {
  const { from, to } = options;
  return db
    .selectFrom("crime_ingests as i")
    .select(["i.force_id", "i.month", "i.rows_accepted as rows"])
    .where("i.kind", "=", kind)
    .where((eb) =>
      options.withPeers
        ? eb.or([eb("i.force_id", "=", forceId), eb("i.force_id", "in", msgPeerIdsQuery(db, forceId))])
        : eb("i.force_id", "=", forceId),
    )
    .$if(from !== undefined, (qb) => qb.where("i.month", ">=", from!))
    .$if(to !== undefined, (qb) => qb.where("i.month", "<=", to!))
    .where("i.id", "=", (eb) =>
      eb
        .selectFrom("crime_ingests as newer")
        .select((inner) => inner.fn.max("newer.id").as("id"))
        .whereRef("newer.force_id", "=", "i.force_id")
        .whereRef("newer.kind", "=", "i.kind")
        .whereRef("newer.month", "=", "i.month"),
    )
    .orderBy("i.month")
    .execute();
}

export async function hasCrimeData(db: Executor): Promise<boolean> {
  const row = await db.selectFrom("crime_ingests").select("id").limit(1).executeTakeFirst();
  return row !== undefined;
}

export interface MonthlyCountsFilter {
  forceIds: readonly string[];
  /** `YYYY-MM`, inclusive. */
  from: string;
  to: string;
  byMonth: boolean;
  byCrimeType: boolean;
  byLocalAuthority: boolean;
  byOutcome: boolean;
}

export interface MonthlyCountGroup {
  force_id: string;
  month?: string;
  crime_type_id?: number;
  local_authority_code?: string | null;
  last_outcome_id?: number | null;
  /** Text from PostgreSQL when summed: its sum of integers is a bigint. */
  count: string | number;
}

/**
 * The smallest street crime rollup that holds the dimensions needed, as table `c`: by crime type
 * alone there are some 14 rows per force-month, by local authority and outcome some thousands. Typed
 * as the widest, crime_monthly_counts: a caller reads local_authority_code or last_outcome_id only
 * when it asked for them.
 */
export function countsRollup(needs: {
  localAuthority: boolean;
  outcome: boolean;
}): AliasedRawBuilder<MonthlyCountTable, "c"> {
  const table = needs.localAuthority
    ? "crime_monthly_counts"
    : needs.outcome
      ? "crime_outcome_counts"
      : "crime_type_counts";
  return sql<MonthlyCountTable>`${sql.table(table)}`.as("c");
}

/**
 * Whether countsRollup's table for these needs has no more columns than they ask for. Each rollup
 * holds one row for each force, month and the rest of its columns (the ingest writes a force-month's
 * rows once), so its rows are then the groups already.
 */
function rollupRowsAreGroups(needs: MonthlyCountsFilter): boolean {
  return needs.byMonth && needs.byCrimeType && (needs.byOutcome || !needs.byLocalAuthority);
}

/**
 * Street crime counts from the rollups the ingest maintains (never the raw rows), grouped as asked.
 * Crime types and outcomes come as ids, for the caller to label (see labelsById): grouped by id, the
 * groups follow the rollups' (force_id, month, crime_type_id, …) indexes, where grouping by label
 * sorted every row again (a quarter of the query's time, national year by month and crime type).
 * Asked for a rollup's own grain, the rows are read as they are: summing them again took a third of
 * the read.
 */
export async function sumMonthlyCounts(
  db: Executor,
  filter: MonthlyCountsFilter,
): Promise<MonthlyCountGroup[]> {
  if (filter.forceIds.length === 0) return [];
  const summed = !rollupRowsAreGroups(filter);
  const groups = db
    .selectFrom(countsRollup({ localAuthority: filter.byLocalAuthority, outcome: filter.byOutcome }))
    .where("c.force_id", "in", filter.forceIds)
    .where("c.month", ">=", filter.from)
    .where("c.month", "<=", filter.to)
    .select((eb) => [
      "c.force_id",
      (summed ? eb.fn.sum<string | number>("c.count") : eb.ref("c.count")).as("count"),
    ])
    .$if(summed, (qb) => qb.groupBy("c.force_id"))
    .$if(filter.byMonth, (qb) => qb.select("c.month").$if(summed, (qb) => qb.groupBy("c.month")))
    .$if(filter.byCrimeType, (qb) =>
      qb.select("c.crime_type_id").$if(summed, (qb) => qb.groupBy("c.crime_type_id")),
    )
    .$if(filter.byLocalAuthority, (qb) =>
      qb.select("c.local_authority_code").$if(summed, (qb) => qb.groupBy("c.local_authority_code")),
    )
    .$if(filter.byOutcome, (qb) =>
      qb.select("c.last_outcome_id").$if(summed, (qb) => qb.groupBy("c.last_outcome_id")),
    );
  // Thousands of groups: 7,392 for every force's year by month and crime type.
  return executeManyRows(db, groups);
}
