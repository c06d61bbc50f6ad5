/**
 * A process takes in one new connection per turn of its event loop (a listening one, as libuv 1.45 and later
 * accepts; a web worker, as the primary waits for it to acknowledge each it hands over), and a turn starts
 * every request that has arrived on the connections already open. Under load a turn took 100 ms or more, so
 * a client connecting then waited seconds for its first answer: in bench:load, the last of 200 clients to
 * connect waited up to 10 s. So the requests a turn starts are limited to what fits in a few milliseconds;
 * the others wait for a later turn, in the order they came. Requests are not refused or reordered, and a
 * lone request never waits.
 */
export function turnBudget(budgetMs: number): () => Promise<void> {
  // When this turn started its first request; null once the turn is over.
  let turnStarted: number | null = null;
  let endOfTurnPending = false;
  // The requests waiting for a later turn, the longest-waiting first.
  const waiting: (() => void)[] = [];

  // The end of a turn is a callback of the event loop's check phase (setImmediate), queued before any
  // wake-up that is to run after it in the same phase.
  const markEndOfTurn = () => {
    if (endOfTurnPending) return;
    endOfTurnPending = true;
    setImmediate(() => {
      endOfTurnPending = false;
      turnStarted = null;
    });
  };
  const fitsThisTurn = () => {
    const now = performance.now();
    if (turnStarted === null) {
      turnStarted = now;
      markEndOfTurn();
    }
    return now - turnStarted < budgetMs;
  };
  // One wake-up per waiting request. Each lets in whichever request has waited longest, so a request that
  // arrives while others wait (one that a finishing request let in, say) cannot pass them: when each
  // waiter rejoined the back of the line, such newcomers took every turn's budget and the waiters were
  // never let in.
  const wakeUp = () => {
    if (fitsThisTurn()) waiting.shift()?.();
    else scheduleWakeUp();
  };
  const scheduleWakeUp = () => {
    markEndOfTurn();
    setImmediate(wakeUp);
  };

  return async function admit(): Promise<void> {
    if (waiting.length === 0 && fitsThisTurn()) return;
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      scheduleWakeUp();
    });
  };
}
