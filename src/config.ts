import { z } from "zod";

const booleanFromEnv = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

const configSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(
      /^(sqlite:|postgres:\/\/|postgresql:\/\/)/,
      "must start with sqlite:, postgres:// or postgresql://",
    )
    .default("sqlite:./data/scrutineer.sqlite"),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(480),
  /** However busy, a session ends this long after sign-in: a stolen cookie is not good for ever. */
  SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24)
    .default(12),
  COOKIE_SECURE: z.enum(["auto", "true", "false"]).default("auto"),
  TRUST_PROXY: booleanFromEnv.default(false),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SCRUTINEER_ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
  LOAD_DEMO_DATA: booleanFromEnv.default(true),
  UPLOAD_DIR: z.string().min(1).default("./data/uploads"),
  /** Web server processes sharing the port (node:cluster); one per core for throughput. */
  WEB_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  /** The largest data.police.uk upload taken through the web (a force's month of files is a few tens of MB). */
  CRIME_UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(4096).default(200),
  /** How long a public page answered to a visitor without a session is kept (0: never); see public-page-cache.ts. */
  PUBLIC_PAGE_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment once; a wrong value becomes one line that names the variable. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const result = configSchema.safeParse(blankAsUnset);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = issue?.path.join(".") ?? "environment";
  const secret = variable === "SESSION_SECRET" || variable === "SCRUTINEER_ADMIN_PASSWORD";
  const given = typeof env[variable] === "string" && !secret ? ` (got "${env[variable]}")` : "";
  throw new ConfigError(`Configuration error: ${variable} ${issue?.message ?? "is invalid"}${given}`);
}
