import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["test/browser/**", "node_modules/**"],
    // One worker per core, not vitest's cores − 1: much of the tests' time is spent waiting on child processes
    // and PostgreSQL (on 2 cores, 392 s with one worker, 249 s with two).
    maxWorkers: Math.max(2, availableParallelism()),
    // A worker keeps the modules it has loaded from one test file to the next: loading the app's modules again
    // for each of 90 files took 120 s of the 250 s. Each file still gets its own database and app (the helpers
    // in test/helpers), and mocks are restored after each test.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
