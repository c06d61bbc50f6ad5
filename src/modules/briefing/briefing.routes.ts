import type { FastifyPluginAsync, FastifyReply } from "fastify";
import type { Db } from "../../db/database.js";
import { ValidationError, type FieldError } from "../../lib/errors.js";
import { errorView, parseForm } from "../../lib/forms.js";
import { editors } from "../auth/access.js";
import { assuranceLabels, paperKindLabels } from "../meetings/meetings.schema.js";
import { briefingParams, generateSchema, suggestionParams, suggestionTextSchema } from "./briefing.schema.js";
import {
  acceptSuggestion,
  dropSuggestion,
  editSuggestion,
  generateBriefing,
  loadBriefing,
} from "./briefing.service.js";
import { suggestionKindLabels, suggestionStatusTags } from "./briefing.view.js";

type Form = Record<string, string>;

/**
 * The chair's briefing pack. OPCC staff only, to read as well as to edit: it is the office's preparation for
 * holding the chief constable to account (the force must not see the questions coming), and the panel
 * scrutinises the PCC through the published notes, where accepted lines of enquiry appear.
 */
const editorsOnly = { access: editors };

export const briefingRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  const page = async (
    meetingId: number,
    reply: FastifyReply,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const briefing = await loadBriefing(db.kysely, meetingId);
    return reply.page(
      "briefing/views/briefing.njk",
      {
        title: `Briefing pack: ${briefing.page.meeting.title}`,
        ...briefing,
        values: { period: briefing.defaultPeriod },
        suggestionKindLabels,
        suggestionStatusTags,
        assuranceLabels,
        paperKindLabels,
        ...extra,
      },
      status,
    );
  };
  const redisplay = (meetingId: number, reply: FastifyReply, errors: FieldError[], values: Form) =>
    page(meetingId, reply, { ...errorView(errors), values }, 422);

  app.get("/meetings/:id/briefing", { config: editorsOnly }, async (request, reply) =>
    page(briefingParams.parse(request.params).id, reply),
  );

  app.post<{ Body: Form }>(
    "/meetings/:id/briefing/generate",
    { config: editorsOnly },
    async (request, reply) => {
      const { id } = briefingParams.parse(request.params);
      const form = parseForm(generateSchema, request.body);
      if (!form.ok) return redisplay(id, reply, form.errors, request.body);
      const { added, removed } = await generateBriefing(db.kysely, request.actor, id, form.data.period);
      const count = (n: number, what: string) => `${n === 0 ? "no" : n} ${what}${n === 1 ? "" : "s"}`;
      request.session.flash =
        `Briefing pack generated: ${count(added.length, "new suggestion")}` +
        (removed.length > 0 ? `; ${count(removed.length, "suggestion")} no longer flagged removed` : "");
      return reply.redirect(`/meetings/${id}/briefing`);
    },
  );

  const decisions = {
    accept: {
      write: acceptSuggestion,
      flash: "Suggestion accepted: it is now a line of enquiry in the meeting's notes",
    },
    edit: { write: editSuggestion, flash: "Suggestion saved" },
  } as const;
  for (const [path, { write, flash }] of Object.entries(decisions)) {
    app.post<{ Body: Form }>(
      `/meetings/:id/briefing/suggestions/:suggestionId/${path}`,
      { config: editorsOnly },
      async (request, reply) => {
        const { id, suggestionId } = suggestionParams.parse(request.params);
        const field = `text-${suggestionId}`;
        const form = parseForm(suggestionTextSchema, request.body);
        const values = { [field]: request.body?.text ?? "" };
        if (!form.ok) {
          return redisplay(
            id,
            reply,
            form.errors.map((e) => ({ ...e, field })),
            values,
          );
        }
        try {
          await write(db.kysely, request.actor, id, suggestionId, form.data.text);
        } catch (error) {
          if (error instanceof ValidationError) return redisplay(id, reply, error.fieldErrors, values);
          throw error;
        }
        request.session.flash = flash;
        return reply.redirect(`/meetings/${id}/briefing#suggestion-${suggestionId}`);
      },
    );
  }

  app.post(
    "/meetings/:id/briefing/suggestions/:suggestionId/drop",
    { config: editorsOnly },
    async (request, reply) => {
      const { id, suggestionId } = suggestionParams.parse(request.params);
      try {
        await dropSuggestion(db.kysely, request.actor, id, suggestionId);
      } catch (error) {
        if (error instanceof ValidationError) return redisplay(id, reply, error.fieldErrors, {});
        throw error;
      }
      request.session.flash = "Suggestion dropped";
      return reply.redirect(`/meetings/${id}/briefing#suggestion-${suggestionId}`);
    },
  );
};
