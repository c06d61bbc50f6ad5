import { defineConfig } from "vitest/config";

// End-to-end tests in Debian's Chromium; `npm test` leaves them out so it needs nothing but Node.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    // Each test is a whole journey of dozens of steps, and each step fails on its own when it waits too long
    // (20 s for the pages of signIn in test/browser/browser.ts, Playwright's 30 s otherwise). The longest
    // journeys took 45-56 s alone on a slow evening, close to a 60 s limit.
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // Two files at once, each with its own app, database and Chromium, and the modules kept loaded between
    // files: 164-170 s against 353 s one file at a time (with its modules loaded again), on 2 cores.
    maxWorkers: 2,
    isolate: false,
  },
});
