import type { Kysely } from "kysely";
import { addIdColumn } from "./helpers.js";

// Frozen: a migration never changes once released. It sees the database as `Kysely<any>`, not the app's types.
// Most Similar Groups: the forces each force is compared with. The Home Office gives a force its group and does
// not publish it, so an administrator keeps it here. One group per force; the force itself is not a member row.
// Seeded with the only group the demo can honestly offer for West Mercia: the forces whose 2025 data it ships.

const westMerciaDemoPeers = [
  "cumbria",
  "derbyshire",
  "devon-and-cornwall",
  "dyfed-powys",
  "gloucestershire",
  "lincolnshire",
  "norfolk",
  "north-yorkshire",
  "staffordshire",
  "suffolk",
  "warwickshire",
  "wiltshire",
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await addIdColumn(db, db.schema.createTable("msg_groups"))
    .addColumn("force_id", "text", (col) => col.notNull().unique())
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("note", "text")
    .addColumn("updated_at", "text", (col) => col.notNull())
    .execute();

  await db.schema
    .createTable("msg_group_members")
    .addColumn("group_id", "integer", (col) => col.notNull().references("msg_groups.id").onDelete("cascade"))
    .addColumn("force_id", "text", (col) => col.notNull())
    .addPrimaryKeyConstraint("msg_group_members_pk", ["group_id", "force_id"])
    .execute();

  const group = await db
    .insertInto("msg_groups")
    .values({
      force_id: "west-mercia",
      name: "Demo comparison group: the forces whose 2025 data is in the demo",
      note:
        "Not the Home Office Most Similar Group, which is not published. Norfolk is named as a peer in the " +
        "OPCC's published meeting notes; the other forces are here because the demo ships their data.police.uk files. " +
        "Replace it with the group the Home Office gives the force.",
      updated_at: new Date().toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("msg_group_members")
    .values(westMerciaDemoPeers.map((force_id) => ({ group_id: group.id as number, force_id })))
    .execute();
}
