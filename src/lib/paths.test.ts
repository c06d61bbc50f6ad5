import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findRepoRoot, fromRoot, rootDir } from "./paths.js";

describe("findRepoRoot", () => {
  it("finds the folder holding package.json from this module's folder", async () => {
    const packageJson = JSON.parse(await readFile(join(findRepoRoot(), "package.json"), "utf8")) as {
      name: string;
    };
    expect(packageJson.name).toBe("scrutineer");
    expect(fromRoot("data", "reference")).toBe(join(rootDir, "data", "reference"));
  });

  it("works from a deeper folder such as the compiled dist/src/modules/crime", () => {
    expect(findRepoRoot(join(findRepoRoot(), "dist", "src", "modules", "crime"))).toBe(findRepoRoot());
  });

  it("fails clearly when there is no package.json above", () => {
    expect(() => findRepoRoot("/")).toThrow(/no package\.json above \//);
  });
});
