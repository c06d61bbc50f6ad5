import { defineConfig } from "vitest/config";

// End-to-end tests in Debian's Chromium; `npm test` leaves them out so it needs nothing but Node.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
