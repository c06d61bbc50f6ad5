/**
 * What the benchmarks share: command-line options, where the real data is, timing, memory
 * high-water marks, and running one stage in a child process of its own so that each stage's
 * peak memory is its own.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { rootDir } from "../src/lib/paths.js";

export interface BenchOptions {
  /** The data.police.uk archive folder (monthly-archives/, custom-downloads/, west-mercia/). */
  source: string;
  /** Where generated inputs and scratch databases go (outside the repo). */
  cache: string;
  /** Street rows in the national-scale input. */
  rows: number;
  /** Set when this process runs a single stage for its parent. */
  stage: string | undefined;
}

export const DEFAULT_ROWS = 5_000_000;

export function benchOptions(argv = process.argv.slice(2)): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      source: { type: "string" },
      cache: { type: "string" },
      rows: { type: "string" },
      stage: { type: "string" },
    },
  });
  const rows = Number(values.rows ?? DEFAULT_ROWS);
  if (!Number.isInteger(rows) || rows < 1)
    throw new Error(`--rows must be a positive whole number, not ${values.rows}`);
  return {
    source: resolve(
      values.source ??
        process.env.BENCH_SOURCE ??
        join(rootDir, "..", "shared", "data", "real", "police_uk_archive"),
    ),
    cache: resolve(values.cache ?? process.env.BENCH_CACHE ?? join(tmpdir(), "scrutineer-bench")),
    rows,
    stage: values.stage,
  };
}

/** The real data stays outside the repo: say plainly where it was looked for and how to point elsewhere. */
export function requireSource(folder: string, what: string): void {
  if (existsSync(folder)) return;
  console.error(
    `Benchmark source missing: ${folder} (${what}) does not exist.\n` +
      "Pass --source <police_uk_archive folder> or set BENCH_SOURCE; it must hold the real " +
      "data.police.uk files (monthly-archives/, custom-downloads/, west-mercia/).",
  );
  process.exit(2);
}

/**
 * Wall-clock and CPU time (all the process's threads: DuckDB's workers, V8's GC helpers). The
 * machine is shared, so wall-clock rates move with others' load; CPU time much less so.
 */
export interface Timing {
  seconds: number;
  cpuSeconds: number;
}

export async function timed<T>(work: () => Promise<T>): Promise<Timing & { result: T }> {
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const result = await work();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    result,
  };
}

/**
 * Samples the resident set size while work runs; the kernel's own high-water mark (VmHWM) also
 * catches peaks between samples, such as those inside native code.
 */
export class MemorySampler {
  private peakRss = process.memoryUsage().rss;
  private readonly timer = setInterval(() => this.sample(), 20);

  sample(): void {
    this.peakRss = Math.max(this.peakRss, process.memoryUsage().rss);
  }

  stop(): { sampledPeakMb: number; vmHwmMb: number | null } {
    clearInterval(this.timer);
    this.sample();
    return { sampledPeakMb: toMb(this.peakRss), vmHwmMb: vmHwmMb() };
  }
}

function vmHwmMb(): number | null {
  if (!existsSync("/proc/self/status")) return null;
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
  return match?.[1] === undefined ? null : Math.round(Number(match[1]) / 1024);
}

function toMb(bytes: number): number {
  return Math.round(bytes / 1024 ** 2);
}

const RESULT_PREFIX = "BENCH-RESULT ";

/** Ends a stage run by `runStage`: hands its figures to the parent. */
export function reportStage(result: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/**
 * Runs `script --stage name ...args` in a fresh Node process (with the same loader, e.g. tsx) and
 * returns what it reported. Its other output goes straight to the terminal.
 */
export function runStage<T>(script: string, name: string, args: readonly string[]): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, script, "--stage", name, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let result: string | undefined;
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.startsWith(RESULT_PREFIX)) result = line.slice(RESULT_PREFIX.length);
      else console.log(line);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0 || result === undefined)
        reject(new Error(`benchmark stage ${name} failed (exit code ${code})`));
      else resolvePromise(JSON.parse(result) as T);
    });
  });
}

export function rowsPerSecond(rows: number, seconds: number): number {
  return Math.round(rows / seconds);
}

export function formatRate(rows: number, timing: Timing): string {
  const rate = (seconds: number) => rowsPerSecond(rows, seconds).toLocaleString("en-GB");
  return (
    `${rate(timing.seconds)} rows/s (${rows.toLocaleString("en-GB")} rows in ${timing.seconds.toFixed(2)} s); ` +
    `${rate(timing.cpuSeconds)} rows per CPU-second`
  );
}

/** The load average over the last minute, against the core count: how shared the machine was. */
export function machineLoad(): string {
  return `load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`;
}

export function percentile(sortedValues: readonly number[], fraction: number): number {
  const index = Math.min(sortedValues.length - 1, Math.ceil(fraction * sortedValues.length) - 1);
  return sortedValues[Math.max(0, index)] ?? Number.NaN;
}

/** Each run's milliseconds, sorted, of the work and of the reference timed just before it. */
export interface AgainstReference<T> {
  times: number[];
  referenceTimes: number[];
  /** What the work returned on its last run. */
  last: T;
}

/**
 * Times `work` `runs` times, each run just after a run of `reference`: the machine's speed moves, and
 * the work's time as a multiple of the reference's, taken at the same moments, moves less.
 */
export async function timedAgainstReference<T>(
  runs: number,
  reference: () => Promise<unknown>,
  work: () => Promise<T>,
): Promise<AgainstReference<T>> {
  if (runs < 1) throw new Error("timedAgainstReference needs at least one run");
  const times: number[] = [];
  const referenceTimes: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < runs; i += 1) {
    const referenceStarted = process.hrtime.bigint();
    await reference();
    const started = process.hrtime.bigint();
    last = await work();
    const ended = process.hrtime.bigint();
    referenceTimes.push(Number(started - referenceStarted) / 1e6);
    times.push(Number(ended - started) / 1e6);
  }
  return {
    times: times.sort((a, b) => a - b),
    referenceTimes: referenceTimes.sort((a, b) => a - b),
    last: last as T,
  };
}
