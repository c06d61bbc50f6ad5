import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the folder holding package.json), whether running from src/ under tsx or from dist/. */
export function findRepoRoot(startDirectory = dirname(fileURLToPath(import.meta.url))): string {
  let directory = startDirectory;
  while (!existsSync(join(directory, "package.json"))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no package.json above ${startDirectory}`);
    directory = parent;
  }
  return directory;
}

export const rootDir = findRepoRoot();
export const fromRoot = (...parts: string[]): string => join(rootDir, ...parts);
