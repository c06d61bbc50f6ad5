import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Db } from "../../db/database.js";
import { ValidationError, type FieldError } from "../../lib/errors.js";
import { errorView, parseForm } from "../../lib/forms.js";
import { COUNTABLE_OUTCOME_GROUPS, OUTCOME_GROUP_NAMES } from "../../stats/outcomes.js";
import { editors } from "../auth/access.js";
import { areaDirectory } from "./areas.js";
import { describeProblem } from "./force-return.js";
import { listValueAreas } from "./measures.repository.js";
import { measuresOpenApi } from "./measures.openapi.js";
import {
  FORCE_RETURN_COLUMNS,
  HOME_FORCE_ID,
  annotationFormSchema,
  measureSettingsFormSchema,
  measureSources,
  nationalPriorities,
  nationalPriorityIds,
  periodExampleOf,
  seriesQuerySchema,
  singleValueFormSchema,
} from "./measures.schema.js";
import {
  ForceReturnRejectedError,
  addAnnotation,
  ensureMeasureCatalogue,
  fromKeptCatalogue,
  importForceReturn,
  measureFor,
  measureSeries,
  policeUkQueryOf,
  saveSingleValue,
  updateMeasureSettings,
  visibleMeasures,
} from "./measures.service.js";
import type { MeasureRow } from "./measures.tables.js";
import { formatValue, nationalPriorityName, seriesView } from "./measures.view.js";
import { acceptFormUploads, chosenFile } from "../../lib/form-uploads.js";
import { seriesFigure } from "../performance/performance.view.js";

const idParams = z.object({ id: z.string().min(1).max(200) });
const listQuery = z.object({
  source: z.enum(measureSources).optional().catch(undefined),
  // Only known values: each filter keeps its own table (see GET /measures).
  priority: z.enum(nationalPriorityIds).optional().catch(undefined),
});
/** A force return is a few thousand lines at most. */
const maxImportBytes = 2 * 1024 * 1024;

export const measureRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  const kysely = db.kysely;
  await ensureMeasureCatalogue(kysely);
  // Only the import form posts a file; the plugin stays inside this module unless the app already has one.
  if (!app.hasRequestDecorator("isMultipart"))
    await acceptFormUploads(app, { maxFields: 5, maxBytes: maxImportBytes });
  const editorsOnly = { access: editors };
  const publicAccess = { access: "public" } as const;
  const publishedOnly = (request: FastifyRequest) => request.user === null;
  const mayEdit = (request: FastifyRequest) =>
    request.user !== null && (editors as readonly string[]).includes(request.user.role);

  // The table of a couple of hundred measures changes only with the catalogue, so it is kept with it, for
  // each view of it. Rendering it afresh was 40% of the CPU time of a signed-in request (4.6-6.0 ms with
  // the table kept, 8.7-9.4 ms without, over HTTP in one process).
  app.get("/measures", { config: publicAccess }, async (request, reply) => {
    const filter = listQuery.parse(request.query);
    const options = { publishedOnly: publishedOnly(request) };
    const edit = mayEdit(request);
    const view = `published-only=${options.publishedOnly} edit=${edit} source=${filter.source} priority=${filter.priority}`;
    const table = await fromKeptCatalogue(kysely, `measures table: ${view}`, (catalogue) => {
      const measures = visibleMeasures(catalogue, options).filter(
        (m) =>
          (!filter.source || m.source === filter.source) &&
          (!filter.priority || m.national_priority === filter.priority),
      );
      return app.renderPart("measures/views/table.njk", {
        measures: measures.map((m) => ({
          ...m,
          nationalPriorityName: nationalPriorityName(m.national_priority),
        })),
        mayEdit: edit,
      });
    });
    return reply.page("measures/views/list.njk", {
      title: "Measures",
      filter,
      table,
      sources: measureSources,
      priorities: Object.entries(nationalPriorities).map(([value, text]) => ({ value, text })),
      mayEdit: edit,
    });
  });

  const importPage = (reply: FastifyReply, problems: string[] = [], status = 200) =>
    reply.page(
      "measures/views/import.njk",
      {
        title: "Import a force return",
        columns: FORCE_RETURN_COLUMNS,
        problems,
        ...(problems.length
          ? errorView([
              {
                field: "file",
                text:
                  problems.length === 1
                    ? (problems[0] as string)
                    : `The file has ${problems.length} problems; nothing was imported`,
              },
            ])
          : {}),
      },
      status,
    );

  app.get("/measures/import", { config: editorsOnly }, async (_request, reply) => importPage(reply));

  app.post<{ Body: Record<string, unknown> }>(
    "/measures/import",
    { config: editorsOnly },
    async (request, reply) => {
      const file = chosenFile(request.body);
      if (!file || file.data.length === 0) return importPage(reply, ["Choose a CSV file to import"], 422);
      if (file.truncated)
        return importPage(
          reply,
          [
            `${file.filename} is larger than ${maxImportBytes / 1024 / 1024} MB, the most a force return may be: nothing was imported`,
          ],
          413,
        );
      try {
        const summary = await importForceReturn(kysely, request.actor, {
          name: "upload",
          text: file.data.toString("utf8"),
        });
        request.session.flash = `Imported ${summary.rows} value(s) for ${summary.measures.length} measure(s): ${summary.added} new, ${summary.replaced} replaced`;
        return reply.redirect("/measures?source=force+return");
      } catch (error) {
        if (error instanceof ForceReturnRejectedError)
          return importPage(
            reply,
            error.problems.map((p) => describeProblem(p)),
            422,
          );
        throw error;
      }
    },
  );

  app.get("/measures/:id", { config: publicAccess }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const measure = await measureFor(kysely, id, { publishedOnly: publishedOnly(request) });
    const query = seriesQuerySchema.safeParse(request.query);
    const seriesQuery = query.success ? query.data : { area: HOME_FORCE_ID };
    const series = await measureSeries(kysely, measure, seriesQuery);
    return reply.page("measures/views/measure.njk", {
      title: measure.name,
      measure,
      nationalPriorityName: nationalPriorityName(measure.national_priority),
      targetText: formatValue(measure.target, measure.unit),
      series,
      view: seriesView(series),
      seriesFigure: seriesFigure(series),
      query: seriesQuery,
      areaOptions: await areaOptions(kysely, measure, series.area.code),
      mayEdit: mayEdit(request),
    });
  });

  const valueForm = async (
    reply: FastifyReply,
    measure: MeasureRow,
    values: Record<string, string>,
    errors: FieldError[] = [],
  ) =>
    reply.page(
      "measures/views/value-form.njk",
      {
        title: `Add a value: ${measure.name}`,
        measure,
        values,
        periodHint: `Give ${periodExampleOf[measure.frequency]}.`,
        areaOptions: await areaOptions(kysely, measure, values.area ?? HOME_FORCE_ID),
        ...(errors.length ? errorView(errors) : {}),
      },
      errors.length ? 422 : 200,
    );

  app.get("/measures/:id/values/new", { config: editorsOnly }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    return valueForm(reply, await editableMeasure(kysely, id), { area: HOME_FORCE_ID });
  });

  app.post<{ Body: Record<string, string> }>(
    "/measures/:id/values",
    { config: editorsOnly },
    async (request, reply) => {
      const { id } = idParams.parse(request.params);
      const measure = await editableMeasure(kysely, id);
      const form = parseForm(singleValueFormSchema, request.body);
      if (!form.ok) return valueForm(reply, measure, request.body, form.errors);
      try {
        const saved = await saveSingleValue(kysely, request.actor, measure.id, form.data);
        request.session.flash = `Saved ${formatValue(saved.value, measure.unit)} for ${saved.period}`;
        return reply.redirect(
          `/measures/${encodeURIComponent(measure.id)}?area=${encodeURIComponent(saved.area_code)}`,
        );
      } catch (error) {
        if (error instanceof ValidationError)
          return valueForm(reply, measure, request.body, error.fieldErrors);
        throw error;
      }
    },
  );

  const annotationForm = (
    reply: FastifyReply,
    measure: MeasureRow,
    values: Record<string, string>,
    errors: FieldError[] = [],
  ) =>
    reply.page(
      "measures/views/annotation-form.njk",
      { title: `Add a note: ${measure.name}`, measure, values, ...(errors.length ? errorView(errors) : {}) },
      errors.length ? 422 : 200,
    );

  app.get("/measures/:id/annotations/new", { config: editorsOnly }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    return annotationForm(reply, await measureFor(kysely, id, { publishedOnly: false }), {});
  });

  app.post<{ Body: Record<string, string> }>(
    "/measures/:id/annotations",
    { config: editorsOnly },
    async (request, reply) => {
      const { id } = idParams.parse(request.params);
      const measure = await measureFor(kysely, id, { publishedOnly: false });
      const form = parseForm(annotationFormSchema, request.body);
      if (!form.ok) return annotationForm(reply, measure, request.body, form.errors);
      await addAnnotation(kysely, request.actor, measure.id, form.data);
      request.session.flash = form.data.rebase
        ? "Note added; the SPC limits are recalculated from that date"
        : "Note added";
      return reply.redirect(`/measures/${encodeURIComponent(measure.id)}`);
    },
  );

  /** The settings form; a positive outcome rate's also offers the outcomes it may count as positive. */
  const settingsForm = (
    reply: FastifyReply,
    measure: MeasureRow,
    values: Record<string, string | string[]>,
    errors: FieldError[] = [],
  ) => {
    const query = policeUkQueryOf(measure);
    const ticked = [values.positiveOutcomes ?? []].flat();
    return reply.page(
      "measures/views/settings.njk",
      {
        title: `Settings: ${measure.name}`,
        measure,
        values,
        outcomeChoices:
          query?.kind === "positive-outcome-rate"
            ? COUNTABLE_OUTCOME_GROUPS.map((group) => ({
                value: group,
                text: OUTCOME_GROUP_NAMES[group],
                checked: ticked.includes(group),
              }))
            : null,
        ...(errors.length ? errorView(errors) : {}),
      },
      errors.length ? 422 : 200,
    );
  };

  app.get("/measures/:id/settings", { config: editorsOnly }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const measure = await measureFor(kysely, id, { publishedOnly: false });
    const query = policeUkQueryOf(measure);
    return settingsForm(reply, measure, {
      published: measure.published === 1 ? "yes" : "no",
      target: measure.target === null ? "" : String(measure.target),
      localPriority: measure.local_priority ?? "",
      positiveOutcomes: query?.kind === "positive-outcome-rate" ? query.outcomeGroups : [],
    });
  });

  app.post<{ Body: Record<string, string | string[]> }>(
    "/measures/:id/settings",
    { config: editorsOnly },
    async (request, reply) => {
      const { id } = idParams.parse(request.params);
      const measure = await measureFor(kysely, id, { publishedOnly: false });
      const form = parseForm(measureSettingsFormSchema, request.body);
      if (!form.ok) return settingsForm(reply, measure, request.body, form.errors);
      try {
        await updateMeasureSettings(kysely, request.actor, measure.id, form.data);
      } catch (error) {
        if (error instanceof ValidationError)
          return settingsForm(reply, measure, request.body, error.fieldErrors);
        throw error;
      }
      request.session.flash = "Settings saved";
      return reply.redirect(`/measures/${encodeURIComponent(measure.id)}`);
    },
  );

  // JSON API: signed-in users read every measure, the public the published ones. The list changes only
  // with the catalogue, so it is kept with it, encoded (as text, each answer measured and encoded it
  // again): a signed-in request took 1.4-1.7 ms of CPU time, against 3.9-4.7 ms when made each time.
  app.get("/api/measures", { config: publicAccess }, async (request, reply) => {
    const options = { publishedOnly: publishedOnly(request) };
    const body = await fromKeptCatalogue(
      kysely,
      `api list: published-only=${options.publishedOnly}`,
      (catalogue) =>
        Buffer.from(JSON.stringify({ measures: visibleMeasures(catalogue, options).map(apiMeasure) })),
    );
    return reply.type("application/json; charset=utf-8").send(body);
  });

  app.get("/api/measures/:id/series", { config: publicAccess }, async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const query = seriesQuerySchema.safeParse(request.query);
    if (!query.success) return reply.code(400).send({ error: z.prettifyError(query.error) });
    const measure = await measureFor(kysely, id, { publishedOnly: publishedOnly(request) });
    const { measure: _measure, annotations, ...series } = await measureSeries(kysely, measure, query.data);
    // Who added a note (an e-mail address) and the row's keys are the OPCC's own business, not the public's.
    return {
      measure: apiMeasure(measure),
      ...series,
      annotations: annotations.map(({ date, text, rebase }) => ({ date, text, rebase })),
    };
  });

  app.get("/api/docs", { config: publicAccess }, async () => measuresOpenApi);
};

/** A measure that takes values from a return or a form; data.police.uk ones are calculated. */
async function editableMeasure(kysely: Db["kysely"], id: string): Promise<MeasureRow> {
  const measure = await measureFor(kysely, id, { publishedOnly: false });
  if (measure.source === "data.police.uk") {
    throw new ValidationError([
      { field: "value", text: `${measure.name} is calculated from data.police.uk; values cannot be entered` },
    ]);
  }
  return measure;
}

export function apiMeasure(measure: MeasureRow) {
  return {
    id: measure.id,
    name: measure.name,
    definition: measure.definition,
    unit: measure.unit,
    polarity: measure.polarity,
    frequency: measure.frequency,
    source: measure.source,
    nationalPriority: measure.national_priority,
    localPriority: measure.local_priority,
    target: measure.target,
    query: measure.query_json === null ? null : (JSON.parse(measure.query_json) as unknown),
    published: measure.published === 1,
  };
}

/** Areas to choose from: those with values, or for data.police.uk measures the force and its areas. */
async function areaOptions(kysely: Db["kysely"], measure: MeasureRow, selected: string) {
  const areas = await areaDirectory();
  const home = areas.get("force", HOME_FORCE_ID);
  const choices =
    measure.source === "data.police.uk"
      ? areas.all.filter((area) => areas.forceIdOf(area) === HOME_FORCE_ID)
      : [
          ...(home ? [home] : []),
          ...(await listValueAreas(kysely, measure.id))
            .map((row) => areas.get(row.area_type, row.area_code))
            .filter((area) => area !== undefined && area.code !== HOME_FORCE_ID),
        ];
  return choices.map((area) => ({ value: area!.code, text: area!.name, selected: area!.code === selected }));
}
