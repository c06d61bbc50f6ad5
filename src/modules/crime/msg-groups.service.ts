import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { NotFoundError, ValidationError } from "../../lib/errors.js";
import { nowIso } from "../../lib/time.js";
import type { Actor } from "../audit/actor.js";
import { recordAudit } from "../audit/audit.repository.js";
import { findMsgGroup, saveMsgGroup, type MsgGroup } from "./msg-groups.repository.js";
import type { MsgGroupForm } from "./msg-groups.schema.js";
import type { Force } from "./reference.js";

const auditView = (group: MsgGroup | undefined) =>
  group && { name: group.name, note: group.note, members: group.memberIds };

/** Sets a force's Most Similar Group (creating it the first time), audited in the same transaction. */
export async function setMsgGroup(
  db: Kysely<Database>,
  actor: Actor,
  forces: ReadonlyMap<string, Force>,
  forceId: string,
  form: MsgGroupForm,
): Promise<MsgGroup> {
  if (!forces.has(forceId)) throw new NotFoundError(`No force ${forceId}`);
  const unknown = form.members.filter((id) => !forces.has(id));
  if (unknown.length > 0) {
    throw new ValidationError([{ field: "members", text: `Unknown force: ${unknown.join(", ")}` }]);
  }
  const memberIds = [...new Set(form.members)].filter((id) => id !== forceId).sort();
  return db.transaction().execute(async (trx) => {
    const before = await findMsgGroup(trx, forceId);
    const id = await saveMsgGroup(trx, {
      forceId,
      name: form.name,
      note: form.note === "" ? null : form.note,
      memberIds,
      updatedAt: nowIso(),
    });
    const after = await findMsgGroup(trx, forceId);
    await recordAudit(trx, actor, {
      action: before ? "update" : "create",
      entityType: "msg_group",
      entityId: id,
      before: auditView(before),
      after: auditView(after),
    });
    return after!;
  });
}

/** The forces a force is compared with: its group's members and itself; null when it has no group. */
export async function msgPeerIds(
  db: Kysely<Database>,
  forceId: string,
): Promise<{ name: string; forceIds: Set<string> } | null> {
  const group = await findMsgGroup(db, forceId);
  return group ? { name: group.name, forceIds: new Set([forceId, ...group.memberIds]) } : null;
}
