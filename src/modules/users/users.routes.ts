import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import type { Db } from "../../db/database.js";
import { roles } from "../../db/schema.js";
import { ValidationError } from "../../lib/errors.js";
import { errorView, parseForm } from "../../lib/forms.js";
import { adminOnly } from "../auth/access.js";
import { listUsers } from "./users.repository.js";
import { newUserSchema, roleLabels, roleSchema } from "./users.schema.js";
import { createUser, disableUser, enableUser, resetPassword, setRole } from "./users.service.js";

const idParams = z.object({ id: z.coerce.number().int().positive() });
const roleOptions = roles.map((role) => ({ value: role, text: roleLabels[role] }));

export const userRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  const access = { access: adminOnly };

  app.get("/admin/users", { config: access }, async (_request, reply) => {
    const users = await listUsers(db.kysely);
    return reply.page("users/views/list.njk", { title: "Users", users, roleLabels, roleOptions });
  });

  app.get("/admin/users/new", { config: access }, async (_request, reply) =>
    reply.page("users/views/new.njk", { title: "Add a user", values: {}, roleOptions }),
  );

  app.post<{ Body: Record<string, string> }>("/admin/users", { config: access }, async (request, reply) => {
    const form = parseForm(newUserSchema, request.body);
    if (!form.ok) {
      return reply.page(
        "users/views/new.njk",
        { title: "Add a user", values: request.body, roleOptions, ...errorView(form.errors) },
        422,
      );
    }
    try {
      const created = await createUser(db.kysely, request.actor, form.data);
      return reply.page("users/views/password.njk", {
        title: "User added",
        heading: `${created.user.name} can now sign in`,
        account: created.user,
        password: created.password,
      });
    } catch (error) {
      if (error instanceof ValidationError) {
        return reply.page(
          "users/views/new.njk",
          { title: "Add a user", values: request.body, roleOptions, ...errorView(error.fieldErrors) },
          422,
        );
      }
      throw error;
    }
  });

  app.post<{ Body: Record<string, string> }>(
    "/admin/users/:id/role",
    { config: access },
    async (request, reply) => {
      const { id } = idParams.parse(request.params);
      const role = roleSchema.parse(request.body.role);
      const user = await setRole(db.kysely, request.actor, id, role);
      request.session.flash = `${user.name} is now ${roleLabels[role]}`;
      return reply.redirect("/admin/users");
    },
  );

  app.post("/admin/users/:id/disable", { config: access }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    if (id === request.user?.id) {
      request.session.flash = "You cannot disable your own account";
      return reply.redirect("/admin/users");
    }
    const user = await disableUser(db.kysely, request.actor, id);
    request.session.flash = `${user.name} can no longer sign in`;
    return reply.redirect("/admin/users");
  });

  app.post("/admin/users/:id/enable", { config: access }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const user = await enableUser(db.kysely, request.actor, id);
    request.session.flash = `${user.name} can sign in again`;
    return reply.redirect("/admin/users");
  });

  app.post("/admin/users/:id/reset-password", { config: access }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const reset = await resetPassword(db.kysely, request.actor, id);
    return reply.page("users/views/password.njk", {
      title: "Password reset",
      heading: `New password for ${reset.user.name}`,
      account: reset.user,
      password: reset.password,
    });
  });
};
