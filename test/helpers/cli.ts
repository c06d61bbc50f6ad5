import { afterEach, beforeEach, vi } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { TestDatabase } from "./test-db.js";

/**
 * Runs `scrutineer` in-process against the test file's database, capturing what it prints. Each test starts
 * with empty output; the environment and the console are restored after it.
 */
export function useCli(database: { current: () => TestDatabase }) {
  let output = "";
  let errors = "";
  beforeEach(() => {
    output = "";
    errors = "";
    vi.stubEnv("DATABASE_URL", database.current().url);
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((output += String(chunk)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((errors += String(chunk)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });
  return {
    run: (...args: string[]) => runCli(["node", "scrutineer", ...args]),
    /** Everything written to standard output since the test began (or since `clearOutput`). */
    get output() {
      return output;
    },
    get errors() {
      return errors;
    },
    clearOutput() {
      output = "";
    },
  };
}
