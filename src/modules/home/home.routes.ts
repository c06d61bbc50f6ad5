import type { FastifyPluginAsync } from "fastify";
import type { Db } from "../../db/database.js";
import { listPublicMeetings } from "../meetings/meetings.repository.js";
import { homeDashboard } from "./dashboard.service.js";

export const homeRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  app.get("/", { config: { access: "public" } }, async (request, reply) => {
    if (!request.user) {
      const publishedMeetings = await listPublicMeetings(db.kysely);
      return reply.page("home/views/public.njk", { title: "Home", publishedMeetings });
    }
    return reply.page("home/views/home.njk", { title: "Home", dashboard: await homeDashboard(db.kysely) });
  });

  // Browsers ask for this whatever the page says; answer without a 404 page.
  app.get("/favicon.ico", { config: { access: "public" } }, async (_request, reply) =>
    reply.redirect("/assets/icon.svg", 301),
  );
};
