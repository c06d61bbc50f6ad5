import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pipeline } from "node:stream/promises";
import fastifyMultipart, { type MultipartFile } from "@fastify/multipart";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Db } from "../../db/database.js";
import { NotFoundError } from "../../lib/errors.js";
import { errorView } from "../../lib/forms.js";
import { editors } from "../auth/access.js";
import { listIngests } from "./crime.repository.js";
import { IngestJobs, jobProgress } from "./ingest-jobs.js";
import { describeParseError, type IngestResult } from "./ingest.service.js";
import { loadReferenceData, type ReferenceData } from "./reference.js";

const uploadName = /^[\w.-]+\.(csv|zip)$/i;
const logLength = 50;

const jobParams = z.object({ jobId: z.uuid() });
const uploadSchema = z.object({
  file: z.string().optional(),
  skipInvalid: z.literal("yes").optional(),
});

/** The page that loads data.police.uk files, taking uploads of up to maxUploadBytes (CRIME_UPLOAD_MAX_MB). */
export const crimeRoutes: FastifyPluginAsync<{ db: Db; maxUploadBytes: number }> = async (
  app,
  { db, maxUploadBytes },
) => {
  const access = { access: editors };
  let reference: Promise<ReferenceData> | undefined;
  const referenceData = () => (reference ??= loadReferenceData());
  // Uploads are written to a folder of their own, under their own name (which says the force,
  // month and kind of a CSV), and the folder is removed once the response has been sent.
  const uploadFolders = new WeakMap<FastifyRequest, string>();

  await app.register(fastifyMultipart, {
    attachFieldsToBody: "keyValues",
    // Past the size limit the rest of the file is read and dropped, and the form says so (not a bare 413).
    throwFileSizeLimit: false,
    limits: { fileSize: maxUploadBytes, files: 1, fields: 5 },
    async onFile(this: FastifyRequest, part: MultipartFile) {
      if (!uploadName.test(part.filename)) {
        part.file.resume();
        (part as { value?: unknown }).value = `invalid:${part.filename}`;
        return;
      }
      const folder = await mkdtemp(join(tmpdir(), "scrutineer-upload-"));
      uploadFolders.set(this, folder);
      const path = join(folder, part.filename);
      await pipeline(part.file, createWriteStream(path));
      (part as { value?: unknown }).value = part.file.truncated ? `too-large:${part.filename}` : path;
    },
  });
  app.addHook("onResponse", async (request) => {
    const folder = uploadFolders.get(request);
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  const jobs = new IngestJobs(db);
  app.addHook("onClose", () => jobs.idle());

  const renderPage = async (extra: Record<string, unknown> = {}) => ({
    title: "Load police.uk data",
    ingests: await listIngests(db.kysely, logLength),
    maxUploadMegabytes: maxUploadBytes / 1024 / 1024,
    ...extra,
  });

  app.get("/crime-data/ingest", { config: access }, async (_request, reply) =>
    reply.page("crime/views/ingest.njk", await renderPage()),
  );

  app.post("/crime-data/ingest", { config: access }, async (request, reply) => {
    const form = uploadSchema.safeParse(request.body);
    const path = form.success ? form.data.file : undefined;
    const folder = uploadFolders.get(request);
    if (path === undefined || folder === undefined || !path.startsWith(folder)) {
      const tooLarge = path?.startsWith("too-large:") === true;
      const text = tooLarge
        ? `${path.slice("too-large:".length)} is larger than ${maxUploadBytes / 1024 / 1024} MB, the most this form takes: nothing was loaded`
        : path?.startsWith("invalid:") === true
          ? "The file must be a .csv or .zip whose name has only letters, digits, dots, dashes and underscores"
          : "Choose a data.police.uk CSV or zip file";
      return reply.page(
        "crime/views/ingest.njk",
        await renderPage(errorView([{ field: "file", text }])),
        tooLarge ? 413 : 422,
      );
    }
    // The job owns the upload folder from here and removes it when done.
    uploadFolders.delete(request);
    const job = await jobs.start({
      upload: basename(path),
      path,
      folder,
      reference: await referenceData(),
      actor: request.actor,
      skipInvalid: form.success && form.data.skipInvalid === "yes",
    });
    return reply.redirect(`/crime-data/ingest/jobs/${job.id}`, 303);
  });

  const findJob = (params: unknown) => {
    const job = jobs.get(jobParams.parse(params).jobId);
    if (!job) throw new NotFoundError("No such upload: its result is kept only for a while");
    return job;
  };

  app.get("/crime-data/ingest/jobs/:jobId", { config: access }, async (request, reply) => {
    const job = findJob(request.params);
    const rejected = job.results.filter((result) => result.status === "rejected").length;
    return reply.page("crime/views/ingest-job.njk", {
      title: job.status === "running" ? `Loading ${job.upload}` : `Loaded ${job.upload}`,
      job,
      progress: jobProgress(job),
      results: job.results.map(resultView),
      rejected,
    });
  });

  app.get("/crime-data/ingest/jobs/:jobId/progress", { config: access }, async (request) =>
    jobProgress(findJob(request.params)),
  );
};

function resultView(result: IngestResult) {
  if (result.status === "loaded") {
    return {
      loaded: true,
      file: result.file,
      summary: `${result.rowsAccepted} rows loaded${result.rowsRejected > 0 ? `, ${result.rowsRejected} invalid rows skipped` : ""}${result.duplicateRows > 0 ? `, ${result.duplicateRows} repeated rows loaded once` : ""}`,
      errors: result.errors.slice(0, 50).map(describeParseError),
    };
  }
  const more = result.errorTotal - result.errors.length;
  return {
    loaded: false,
    file: result.file,
    summary: result.reason,
    errors: [
      ...result.errors.map(describeParseError),
      ...(more > 0 ? [`… and ${more} more invalid rows`] : []),
    ],
  };
}
