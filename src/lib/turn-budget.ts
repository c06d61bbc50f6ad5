/**
 * Node.js (libuv 1.45 and later) accepts one new connection per turn of the event loop, and a turn starts
 * every request that has arrived on the connections already open. Under load a turn took 100 ms or more, so
 * a client connecting then waited seconds for its first answer: in bench:load, the last of 200 clients to
 * connect waited up to 10 s. So the requests a turn starts are limited to what fits in a few milliseconds;
 * the others wait for a later turn, in the order they came. Requests are not refused or reordered, and a
 * lone request never waits.
 */
export function turnBudget(budgetMs: number): () => Promise<void> {
  // When the current turn started its first request; cleared at the turn's end (its setImmediate phase).
  let turnStarted: number | null = null;
  return async function admit(): Promise<void> {
    for (;;) {
      const now = performance.now();
      if (turnStarted === null) {
        turnStarted = now;
        setImmediate(() => {
          turnStarted = null;
        });
      }
      if (now - turnStarted < budgetMs) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
}
