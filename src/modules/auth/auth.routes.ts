import type { FastifyPluginAsync } from "fastify";
import type { Db } from "../../db/database.js";
import { errorView, parseForm } from "../../lib/forms.js";
import { recordAudit } from "../audit/audit.repository.js";
import { verifyPassword } from "../users/password.js";
import { findUserById } from "../users/users.repository.js";
import { changeOwnPassword } from "../users/users.service.js";
import { changePasswordSchema, safeNextPath, signInSchema } from "./auth.schema.js";
import { signIn } from "./sign-in.service.js";

export const authRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  const signInPage = "auth/views/sign-in.njk";

  app.get<{ Querystring: { next?: string } }>(
    "/sign-in",
    { config: { access: "public" } },
    async (request, reply) => {
      if (request.user) return reply.redirect("/");
      return reply.page(signInPage, { title: "Sign in", next: safeNextPath(request.query.next), values: {} });
    },
  );

  app.post<{ Body: Record<string, string> }>(
    "/sign-in",
    { config: { access: "public" } },
    async (request, reply) => {
      const next = safeNextPath(request.body.next);
      const form = parseForm(signInSchema, request.body);
      if (!form.ok) {
        return reply.page(
          signInPage,
          { title: "Sign in", next, values: request.body, ...errorView(form.errors) },
          422,
        );
      }
      const outcome = await signIn(db.kysely, form.data.email, form.data.password, request.ip);
      switch (outcome.kind) {
        case "rate-limited":
          return reply.page(
            signInPage,
            {
              title: "Sign in",
              next,
              values: { email: form.data.email },
              ...errorView([
                {
                  field: "email",
                  text: "Too many failed attempts to sign in. Wait one minute, then try again.",
                },
              ]),
            },
            429,
          );
        case "wrong-credentials":
          return reply.page(
            signInPage,
            {
              title: "Sign in",
              next,
              values: { email: form.data.email },
              ...errorView([{ field: "email", text: "The email address or password is not right" }]),
            },
            401,
          );
        case "signed-in": {
          // A new session id at sign-in, so an id planted before it (session fixation) is worthless.
          await request.session.regenerate();
          request.session.userId = outcome.user.id;
          await recordAudit(
            db.kysely,
            { userId: outcome.user.id, label: outcome.user.email, ip: request.ip },
            { action: "sign-in", entityType: "user", entityId: outcome.user.id },
          );
          return reply.redirect(outcome.user.must_change_password ? "/account/password" : next);
        }
      }
    },
  );

  app.post("/sign-out", { config: { access: "public" } }, async (request, reply) => {
    if (request.user) {
      await recordAudit(db.kysely, request.actor, {
        action: "sign-out",
        entityType: "user",
        entityId: request.user.id,
      });
    }
    await request.session.destroy();
    return reply.redirect("/");
  });

  const passwordPage = "auth/views/change-password.njk";
  app.get("/account/password", { config: { access: "signed-in" } }, async (_request, reply) =>
    reply.page(passwordPage, { title: "Change your password" }),
  );

  app.post<{ Body: Record<string, string> }>(
    "/account/password",
    { config: { access: "signed-in" } },
    async (request, reply) => {
      const user = await findUserById(db.kysely, request.user!.id);
      const form = parseForm(changePasswordSchema, request.body);
      let errors = form.ok ? [] : form.errors;
      if (form.ok && !(await verifyPassword(user!.password_hash, form.data.currentPassword))) {
        errors = [{ field: "currentPassword", text: "Your current password is not right" }];
      }
      if (!form.ok || errors.length > 0) {
        return reply.page(passwordPage, { title: "Change your password", ...errorView(errors) }, 422);
      }
      await changeOwnPassword(db.kysely, request.actor, user!.id, form.data.newPassword);
      request.session.flash = "Your password has been changed";
      return reply.redirect("/");
    },
  );
};
