import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema.js";
import type { MsgGroupRow } from "./msg-groups.tables.js";

type Executor = Kysely<Database> | Transaction<Database>;

export interface MsgGroup extends MsgGroupRow {
  /** The peer forces' ids, sorted; the group's own force is not among them. */
  memberIds: string[];
}

export async function findMsgGroup(db: Executor, forceId: string): Promise<MsgGroup | undefined> {
  // One query, not the group then its members: a measure series waits on it.
  const rows = await db
    .selectFrom("msg_groups as g")
    .leftJoin("msg_group_members as m", "m.group_id", "g.id")
    .selectAll("g")
    .select("m.force_id as member_id")
    .where("g.force_id", "=", forceId)
    .orderBy("m.force_id")
    .execute();
  const [first] = rows;
  if (!first) return undefined;
  const { member_id: _member, ...group } = first;
  return { ...group, memberIds: rows.flatMap((row) => (row.member_id === null ? [] : [row.member_id])) };
}

/**
 * A force's peers' ids as a subquery, so that a read of figures can take theirs in the same statement as
 * the force's own (see measurePoints).
 */
export function msgPeerIdsQuery(db: Executor, forceId: string) {
  return db
    .selectFrom("msg_group_members as m")
    .innerJoin("msg_groups as g", "g.id", "m.group_id")
    .select("m.force_id")
    .where("g.force_id", "=", forceId);
}

export async function listMsgGroups(db: Executor): Promise<MsgGroup[]> {
  const groups = await db.selectFrom("msg_groups").selectAll().orderBy("force_id").execute();
  const members = await db
    .selectFrom("msg_group_members")
    .select(["group_id", "force_id"])
    .orderBy("force_id")
    .execute();
  return groups.map((group) => ({
    ...group,
    memberIds: members.filter((member) => member.group_id === group.id).map((member) => member.force_id),
  }));
}

export async function saveMsgGroup(
  trx: Transaction<Database>,
  group: {
    forceId: string;
    name: string;
    note: string | null;
    memberIds: readonly string[];
    updatedAt: string;
  },
): Promise<number> {
  const values = { name: group.name, note: group.note, updated_at: group.updatedAt };
  const saved = await trx
    .insertInto("msg_groups")
    .values({ force_id: group.forceId, ...values })
    .onConflict((conflict) => conflict.column("force_id").doUpdateSet(values))
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx.deleteFrom("msg_group_members").where("group_id", "=", saved.id).execute();
  if (group.memberIds.length > 0) {
    await trx
      .insertInto("msg_group_members")
      .values(group.memberIds.map((force_id) => ({ group_id: saved.id, force_id })))
      .execute();
  }
  return saved.id;
}
