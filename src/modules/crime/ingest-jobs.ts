/**
 * Uploaded files are loaded in the background, so the page can show progress while a large zip
 * loads. Jobs live in this process's memory: a page polls the process that took the upload.
 */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import type { Db } from "../../db/database.js";
import type { Actor } from "../audit/actor.js";
import { listPoliceCsvs } from "./archive.js";
import { PoliceFileError } from "./file-kinds.js";
import { ingestPath, type IngestResult } from "./ingest.service.js";
import type { ReferenceData } from "./reference.js";

export interface IngestJob {
  id: string;
  /** The uploaded file's name. */
  upload: string;
  status: "running" | "finished" | "failed";
  /** data.police.uk CSVs in the upload, and how many have been loaded or refused. */
  files: number;
  filesDone: number;
  currentFile: string | null;
  /** Rows loaded so far, over every file of the upload. */
  rows: number;
  /** Bytes of CSV read so far, out of all the upload's CSVs (the one measure of the whole known up front). */
  bytes: number;
  totalBytes: number;
  results: IngestResult[];
  /** Why the job stopped, when something other than a file's content failed. */
  error: string | null;
}

export interface IngestJobRequest {
  upload: string;
  /** The uploaded file, alone in a temporary folder that is removed when the job ends. */
  path: string;
  folder: string;
  reference: ReferenceData;
  actor: Actor;
  skipInvalid: boolean;
}

/** Finished jobs kept for their result pages; the oldest are forgotten first. */
const JOBS_KEPT = 50;

export class IngestJobs {
  private readonly jobs = new Map<string, IngestJob>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly db: Db) {}

  get(id: string): IngestJob | undefined {
    return this.jobs.get(id);
  }

  async start(request: IngestJobRequest): Promise<IngestJob> {
    const listing = await listPoliceCsvs(request.path).catch((error: unknown) => {
      // An unreadable archive is reported by the ingest as a refused file.
      if (error instanceof PoliceFileError) return { csvs: [] };
      throw error;
    });
    const job: IngestJob = {
      id: randomUUID(),
      upload: request.upload,
      status: "running",
      files: listing.csvs.length,
      filesDone: 0,
      currentFile: null,
      rows: 0,
      bytes: 0,
      totalBytes: listing.csvs.reduce((sum, csv) => sum + csv.bytes, 0),
      results: [],
      error: null,
    };
    this.forgetOldJobs();
    this.jobs.set(job.id, job);
    const run = this.run(job, request).finally(() => this.running.delete(run));
    this.running.add(run);
    return job;
  }

  /** Waits for every running job (for shutdown and tests). */
  async idle(): Promise<void> {
    await Promise.all(this.running);
  }

  private async run(job: IngestJob, request: IngestJobRequest): Promise<void> {
    let rowsBefore = 0;
    let bytesBefore = 0;
    try {
      for await (const result of ingestPath(this.db, request.path, {
        reference: request.reference,
        actor: request.actor,
        skipInvalid: request.skipInvalid,
        relativeTo: request.folder,
        onFileStart: (file) => {
          job.currentFile = file;
          rowsBefore = job.rows;
          bytesBefore = job.bytes;
        },
        onProgress: ({ rows, bytes }) => {
          job.rows = rowsBefore + rows;
          job.bytes = bytesBefore + bytes;
        },
      })) {
        job.results.push(result);
        job.filesDone = job.results.length;
        // A refused file's rows were rolled back; only loaded rows count.
        job.rows = rowsBefore + (result.status === "loaded" ? result.rowsAccepted : 0);
      }
      job.status = "finished";
    } catch (error) {
      job.status = "failed";
      job.error = error instanceof Error ? error.message : String(error);
    } finally {
      job.currentFile = null;
      await rm(request.folder, { recursive: true, force: true });
    }
  }

  private forgetOldJobs(): void {
    const finished = [...this.jobs.values()].filter((job) => job.status !== "running");
    for (const job of finished.slice(0, Math.max(0, this.jobs.size + 1 - JOBS_KEPT)))
      this.jobs.delete(job.id);
  }
}

/** What the progress endpoint returns and the page shows while a job runs. */
export function jobProgress(job: IngestJob) {
  const percent = job.totalBytes > 0 ? Math.min(100, Math.floor((job.bytes / job.totalBytes) * 100)) : 0;
  const file =
    job.currentFile === null ? "" : `File ${job.filesDone + 1} of ${job.files}: ${job.currentFile}. `;
  return {
    status: job.status,
    files: job.files,
    filesDone: job.filesDone,
    currentFile: job.currentFile,
    rows: job.rows,
    bytes: job.bytes,
    totalBytes: job.totalBytes,
    percent,
    summary: `${file}${job.rows.toLocaleString("en-GB")} rows loaded so far; ${percent}% of the upload read.`,
  };
}
