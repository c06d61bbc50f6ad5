import { describe, expect, it } from "vitest";
import { turnBudget } from "./turn-budget.js";

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const busyFor = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe("a turn budget", () => {
  it("admits a lone request at once, without waiting for another turn of the event loop", async () => {
    let turnEnded = false;
    setImmediate(() => {
      turnEnded = true;
    });
    await turnBudget(20)();
    expect(turnEnded).toBe(false);
  });

  it("makes the requests that come after the budget is spent wait for a later turn, in their order", async () => {
    const admit = turnBudget(5);
    const admitted: number[] = [];
    const requests = [1, 2, 3].map((n) => {
      const admission = admit().then(() => admitted.push(n));
      if (n === 1) busyFor(10);
      return admission;
    });
    await Promise.resolve();
    expect(admitted).toEqual([1]);
    await nextTurn();
    await nextTurn();
    await Promise.all(requests);
    expect(admitted).toEqual([1, 2, 3]);
  });

  it("does not let a request that arrives while others wait pass them", async () => {
    const admit = turnBudget(5);
    await admit();
    busyFor(10);
    const admitted: string[] = [];
    // "a" works past the budget and, as it ends, lets a newcomer in (as a finishing request does when
    // others queue for its place).
    const a = admit().then(() => {
      admitted.push("a");
      busyFor(10);
      return admit().then(() => admitted.push("newcomer"));
    });
    const b = admit().then(() => admitted.push("b"));
    await Promise.all([a, b]);
    expect(admitted).toEqual(["a", "b", "newcomer"]);
  });
});
