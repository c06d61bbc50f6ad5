import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["test/browser/**", "node_modules/**"],
    // One worker per core, not vitest's cores − 1: much of the tests' time is spent waiting on child processes
    // and PostgreSQL (on 2 cores, 392 s with one worker, 249 s with two).
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
