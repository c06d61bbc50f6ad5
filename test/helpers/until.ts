/**
 * Polls `condition` until it holds, for what happens in another process or across a socket, where there is
 * no event to await. After `timeoutMs` it throws, naming `what` and adding `detail()` (a process's stderr, say).
 */
export async function until(
  condition: () => boolean,
  what: string,
  {
    timeoutMs = 60_000,
    everyMs = 100,
    detail = () => "",
  }: { timeoutMs?: number; everyMs?: number; detail?: () => string } = {},
): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition();) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}: ${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
