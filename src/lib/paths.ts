import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the folder holding package.json), whether running from src/ under tsx or from dist/. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("Cannot find the Scrutineer folder (no package.json above the code)");
    dir = parent;
  }
  return dir;
}

export const rootDir = findRoot();
export const fromRoot = (...parts: string[]): string => join(rootDir, ...parts);
