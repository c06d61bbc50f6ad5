import type { Generated, Selectable } from "kysely";

/** Most Similar Groups: for a force, the forces it is compared with (admin-kept; the Home Office does not publish them). */
export interface MsgGroupTables {
  msg_groups: MsgGroupTable;
  msg_group_members: MsgGroupMemberTable;
}

export interface MsgGroupTable {
  id: Generated<number>;
  /** The force whose group this is (data.police.uk id); it is compared with the members. */
  force_id: string;
  /** Says what the group is, e.g. whether it is the Home Office's MSG or a stand-in. */
  name: string;
  note: string | null;
  updated_at: string;
}
export type MsgGroupRow = Selectable<MsgGroupTable>;

export interface MsgGroupMemberTable {
  group_id: number;
  force_id: string;
}
