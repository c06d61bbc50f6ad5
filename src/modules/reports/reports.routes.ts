import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { z } from "zod";
import { renderSvgChart } from "../../lib/charts.js";
import type { Db } from "../../db/database.js";
import type { FieldError } from "../../lib/errors.js";
import { errorView, parseForm } from "../../lib/forms.js";
import { formatPeriod } from "../../stats/periods.js";
import { editors } from "../auth/access.js";
import { reportTitle } from "./report-document.js";
import {
  narrativeFormSchema,
  newReportFormSchema,
  paragraphsOf,
  quarterFromSlug,
  quarterSlug,
  reportSections,
} from "./reports.schema.js";
import {
  narrativesOf,
  publishReport,
  quarterlyReport,
  reportDocx,
  reportList,
  reportPdf,
  saveNarratives,
} from "./reports.service.js";

type Form = Record<string, string | undefined>;

const slugParams = z.object({ period: z.string() });
const CHART_SIZE = { width: 720, height: 400 };
const SMALL_MULTIPLES_SIZE = { width: 720, height: 520 };

export const reportRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  const renderList = async (
    reply: FastifyReply,
    publishedOnly: boolean,
    values: Form = {},
    errors: FieldError[] = [],
  ) =>
    reply.page(
      "reports/views/list.njk",
      {
        title: "Quarterly performance reports",
        reports: await reportList(db.kysely, { publishedOnly }),
        values,
        ...errorView(errors),
      },
      errors.length ? 422 : 200,
    );

  app.get<{ Querystring: Form }>("/reports", { config: { access: "signed-in" } }, async (request, reply) => {
    if (request.query.quarter === undefined) return renderList(reply, false);
    const form = parseForm(newReportFormSchema, request.query);
    if (!form.ok) return renderList(reply, false, request.query, form.errors);
    return reply.redirect(`/reports/quarterly/${quarterSlug(form.data.quarter)}`);
  });

  // Public, so a published report can be read without signing in; a draft is found only by the signed-in.
  app.get("/reports/quarterly/:period", { config: { access: "public" } }, async (request, reply) => {
    const quarter = quarterFromSlug(slugParams.parse(request.params).period);
    const report = await quarterlyReport(db.kysely, quarter, { publishedOnly: !request.user });
    const sections = report.sections.map((section) => ({
      ...section,
      paragraphs: paragraphsOf(section.narrative),
      figures: section.figures.map((figure) => ({
        ...figure,
        svg: figure.chart
          ? renderSvgChart(
              figure.chart.option,
              figure.id.startsWith("lpa-") ? SMALL_MULTIPLES_SIZE : CHART_SIZE,
              figure.chart.description,
            )
          : null,
      })),
    }));
    const role = request.user?.role;
    return reply.page("reports/views/report.njk", {
      title: reportTitle(report),
      report: { ...report, sections },
      canEdit: role === "admin" || role === "opcc",
    });
  });

  for (const format of ["pdf", "docx"] as const) {
    app.get(
      `/reports/quarterly/:period.${format}`,
      { config: { access: "public" } },
      async (request, reply) => {
        const quarter = quarterFromSlug(slugParams.parse(request.params).period);
        const report = await quarterlyReport(db.kysely, quarter, { publishedOnly: !request.user });
        const document = format === "pdf" ? await reportPdf(report) : await reportDocx(report);
        return reply
          .type(
            format === "pdf"
              ? "application/pdf"
              : "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          )
          .header("content-disposition", `attachment; filename="quarterly-report-${report.slug}.${format}"`)
          .send(document);
      },
    );
  }

  const renderEdit = async (
    reply: FastifyReply,
    slug: string,
    values: Form | null,
    errors: FieldError[] = [],
  ) => {
    const quarter = quarterFromSlug(slug);
    return reply.page(
      "reports/views/edit.njk",
      {
        title: `Edit the commentary – ${formatPeriod(quarter)}`,
        period: formatPeriod(quarter),
        slug: quarterSlug(quarter),
        sections: reportSections,
        values: values ?? (await narrativesOf(db.kysely, quarter)),
        ...errorView(errors),
      },
      errors.length ? 422 : 200,
    );
  };

  app.get("/reports/quarterly/:period/edit", { config: { access: editors } }, async (request, reply) =>
    renderEdit(reply, slugParams.parse(request.params).period, null),
  );

  app.post<{ Body: Form }>(
    "/reports/quarterly/:period/edit",
    { config: { access: editors } },
    async (request, reply) => {
      const slug = slugParams.parse(request.params).period;
      const quarter = quarterFromSlug(slug);
      const form = parseForm(narrativeFormSchema, request.body);
      if (!form.ok) return renderEdit(reply, slug, request.body, form.errors);
      const changed = await saveNarratives(db.kysely, request.actor, quarter, form.data);
      request.session.flash =
        changed === 0
          ? "No commentary changed"
          : `Commentary saved (${changed} section${changed === 1 ? "" : "s"})`;
      return reply.redirect(`/reports/quarterly/${quarterSlug(quarter)}`);
    },
  );

  app.post("/reports/quarterly/:period/publish", { config: { access: editors } }, async (request, reply) => {
    const quarter = quarterFromSlug(slugParams.parse(request.params).period);
    await publishReport(db.kysely, request.actor, quarter);
    request.session.flash = `Report for ${formatPeriod(quarter)} published`;
    return reply.redirect(`/reports/quarterly/${quarterSlug(quarter)}`);
  });
};
