import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import type { Db } from "../../db/database.js";
import { NotFoundError, ValidationError, type FieldError } from "../../lib/errors.js";
import { errorView, parseForm } from "../../lib/forms.js";
import { adminOnly } from "../auth/access.js";
import { findMsgGroup, listMsgGroups } from "./msg-groups.repository.js";
import { msgGroupFormSchema } from "./msg-groups.schema.js";
import { setMsgGroup } from "./msg-groups.service.js";
import { loadReferenceData, type ReferenceData } from "./reference.js";

const forceParams = z.object({ forceId: z.string().regex(/^[a-z-]+$/) });
const chooseQuery = z.object({ force: z.string().regex(/^[a-z-]+$/) });

export const msgGroupRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  const access = { access: adminOnly };
  let reference: Promise<ReferenceData> | undefined;
  const forces = async () => (await (reference ??= loadReferenceData())).forces;
  const forceOptions = async () =>
    [...(await forces()).values()]
      .map((force) => ({ value: force.id, text: force.name }))
      .sort((a, b) => a.text.localeCompare(b.text));

  app.get("/admin/msg-groups", { config: access }, async (_request, reply) => {
    const names = await forces();
    const nameOf = (id: string) => names.get(id)?.name ?? id;
    const groups = (await listMsgGroups(db.kysely)).map((group) => ({
      ...group,
      forceName: nameOf(group.force_id),
      memberNames: group.memberIds.map(nameOf),
    }));
    return reply.page("crime/views/msg-groups.njk", {
      title: "Most Similar Groups",
      groups,
      forceOptions: await forceOptions(),
    });
  });

  // The list page's "set a group for" form is a GET, so it works without JavaScript.
  app.get("/admin/msg-groups/edit", { config: access }, async (request, reply) => {
    const { force } = chooseQuery.parse(request.query);
    return reply.redirect(`/admin/msg-groups/${force}`);
  });

  const editPage = async (
    forceId: string,
    values: { name?: string; note?: string | null; members: string[] },
  ) => {
    const force = (await forces()).get(forceId);
    if (!force) throw new NotFoundError(`No force ${forceId}`);
    return {
      title: `Most Similar Group of ${force.name}`,
      force,
      values,
      memberOptions: (await forceOptions()).filter((option) => option.value !== forceId),
    };
  };

  app.get("/admin/msg-groups/:forceId", { config: access }, async (request, reply) => {
    const { forceId } = forceParams.parse(request.params);
    const group = await findMsgGroup(db.kysely, forceId);
    const page = await editPage(forceId, group ? { ...group, members: group.memberIds } : { members: [] });
    return reply.page("crime/views/msg-group.njk", page);
  });

  app.post<{ Body: Record<string, string | string[] | undefined> }>(
    "/admin/msg-groups/:forceId",
    { config: access },
    async (request, reply) => {
      const { forceId } = forceParams.parse(request.params);
      const form = parseForm(msgGroupFormSchema, request.body);
      const redisplay = async (errors: FieldError[]) => {
        const members = request.body.members;
        const page = await editPage(forceId, {
          name: String(request.body.name ?? ""),
          note: String(request.body.note ?? ""),
          members: Array.isArray(members)
            ? members.map(String)
            : typeof members === "string"
              ? [members]
              : [],
        });
        return reply.page("crime/views/msg-group.njk", { ...page, ...errorView(errors) }, 422);
      };
      if (!form.ok) return redisplay(form.errors);
      try {
        const group = await setMsgGroup(db.kysely, request.actor, await forces(), forceId, form.data);
        request.session.flash = `Saved the group of ${(await forces()).get(forceId)?.name}: ${group.memberIds.length} peer forces`;
        return reply.redirect("/admin/msg-groups");
      } catch (error) {
        if (error instanceof ValidationError) return redisplay(error.fieldErrors);
        throw error;
      }
    },
  );
};
