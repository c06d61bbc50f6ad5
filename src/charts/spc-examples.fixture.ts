/** For tests: the NHS-R oracle's SPC examples (test/fixtures/spc/examples.json) run through computeSpc. */
import { readFileSync } from "node:fs";
import type { ImprovementDirection, SpcInput, SpcResult } from "../stats/spc.js";
import { computeSpc } from "../stats/spc.js";

interface SpcExample {
  name: string;
  options: { improvement_direction: ImprovementDirection; target?: number; rebase?: string[] };
  input: SpcInput;
}

export function spcExample(name: string): SpcResult {
  const examples = JSON.parse(
    readFileSync(new URL("../../test/fixtures/spc/examples.json", import.meta.url), "utf8"),
  ) as SpcExample[];
  const example = examples.find((e) => e.name === name);
  if (!example) throw new Error(`test/fixtures/spc/examples.json has no example named ${name}.`);
  return computeSpc(example.input, {
    improvementDirection: example.options.improvement_direction,
    target: example.options.target,
    rebase: example.options.rebase,
  });
}
