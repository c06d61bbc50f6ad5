#!/usr/bin/env node
import process from "node:process";

// The compiled CLI lives in dist/ (built by `npm ci` through the prepare script, or `npm run build`).
try {
  await import("../dist/src/cli/index.js");
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/src/cli")) {
    process.stderr.write("scrutineer: the CLI is not built yet; run `npm run build` first\n");
    process.exit(1);
  }
  throw error;
}
