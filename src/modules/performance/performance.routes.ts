import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { Db } from "../../db/database.js";
import { ValidationError, type FieldError } from "../../lib/errors.js";
import { errorView, parseForm } from "../../lib/forms.js";
import { periodLabel } from "../../charts/format.js";
import { formatPeriod } from "../../stats/periods.js";
import { formatValue, seriesView } from "../measures/measures.view.js";
import { explorerQuerySchema } from "./performance.schema.js";
import {
  explorePerformance,
  explorerChoices,
  explorerQueryString,
  type Explorer,
} from "./performance.service.js";
import { explorerCsv, explorerFigures, formItems, hotSpotsTable } from "./performance.view.js";

// Like the measures pages: the public sees the published measures, signed-in users every measure.
const publicAccess = { access: "public" } as const;

export const performanceRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  const kysely = db.kysely;
  const publishedOnly = (request: FastifyRequest) => request.user === null;

  /** Reads the query and explores it; a wrong field comes back as its problems, never as a 500. */
  async function explore(
    request: FastifyRequest,
  ): Promise<{ ok: true; explorer: Explorer | null } | { ok: false; errors: FieldError[] }> {
    const form = parseForm(explorerQuerySchema, request.query);
    if (!form.ok) return form;
    try {
      const explorer = await explorePerformance(kysely, form.data, { publishedOnly: publishedOnly(request) });
      return { ok: true, explorer };
    } catch (error) {
      if (error instanceof ValidationError) return { ok: false, errors: error.fieldErrors };
      throw error;
    }
  }

  const explorerPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    explorer: Explorer | null,
    errors: FieldError[] = [],
  ) => {
    const choices = await explorerChoices(kysely, {
      publishedOnly: publishedOnly(request),
      measureId: explorer?.measure.id ?? (typeof values.measure === "string" ? values.measure : undefined),
      area: explorer?.area,
    });
    const selected = {
      measure: explorer?.measure.id ?? values.measure,
      area: explorer?.area.code ?? values.area,
      period: explorer?.period ? formatPeriod(explorer.period) : values.period,
      // Only a type the reader chose stays selected: otherwise it follows the measure when that changes.
      crimeType: values.crimeType,
    };
    return reply.page(
      "performance/views/explorer.njk",
      {
        title: explorer ? `Performance explorer: ${explorer.measure.name}` : "Performance explorer",
        choices,
        selected,
        ...formItems(choices, selected),
        explorer,
        ...(explorer && {
          figures: explorerFigures(explorer),
          hotSpotsTable: explorer.hotSpots.state === "shown" ? hotSpotsTable(explorer.hotSpots) : null,
          view: seriesView(explorer.series),
          targetText: formatValue(explorer.measure.target, explorer.measure.unit),
          periodText: explorer.period ? periodLabel(explorer.period) : null,
          csvHref: `/performance.csv?${explorerQueryString(explorer)}`,
        }),
        ...(errors.length ? errorView(errors) : {}),
      },
      errors.length ? 422 : 200,
    );
  };

  app.get("/performance", { config: publicAccess }, async (request, reply) => {
    const result = await explore(request);
    const values = (request.query ?? {}) as Record<string, unknown>;
    if (!result.ok) return explorerPage(request, reply, values, null, result.errors);
    return explorerPage(request, reply, values, result.explorer);
  });

  app.get("/performance.csv", { config: publicAccess }, async (request, reply) => {
    const result = await explore(request);
    if (!result.ok) {
      return reply
        .code(400)
        .type("text/plain; charset=utf-8")
        .send(`${result.errors.map((e) => `${e.field}: ${e.text}`).join("\n")}\n`);
    }
    if (!result.explorer)
      return reply.code(404).type("text/plain; charset=utf-8").send("No measure is published yet.\n");
    const { explorer } = result;
    const name = [
      explorer.measure.id,
      explorer.area.code,
      explorer.period ? formatPeriod(explorer.period) : null,
    ]
      .filter(Boolean)
      .join("-")
      .replace(/[^A-Za-z0-9.-]+/g, "-");
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="${name}.csv"`)
      .send(explorerCsv(explorer));
  });
};
