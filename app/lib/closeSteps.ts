import type { Logger } from 'pino';

/** How long one step of a close may take before the next one runs anyway. */
export const CLOSE_STEP_DEADLINE_MS = 5_000;

/**
 * Runs the steps of a close in order. Each one runs even when one before it failed or hung: a step
 * left out keeps a connection or a timer alive, and the process (or a test worker) never exits.
 * A failure or an overrun is logged, never thrown: there is nobody left to answer.
 */
export async function runCloseSteps(steps: Record<string, () => unknown>, logger: Logger, deadlineMs = CLOSE_STEP_DEADLINE_MS): Promise<void> {
  for (const [name, step] of Object.entries(steps)) {
    let timer: NodeJS.Timeout | undefined;
    // Not unref'd: a hung step is waited for this long even when nothing else keeps the process
    // alive (the timer is cleared as soon as the step ends).
    const overrun = new Promise<'overrun'>((resolve) => {
      timer = setTimeout(() => resolve('overrun'), deadlineMs);
    });
    try {
      const outcome = await Promise.race([Promise.resolve().then(step), overrun]);
      if (outcome === 'overrun') logger.warn({ step: name, deadlineMs }, 'a close step did not finish in time; going on');
    } catch (err) {
      logger.warn({ err, step: name }, 'a close step failed; going on');
    } finally {
      clearTimeout(timer);
    }
  }
}
