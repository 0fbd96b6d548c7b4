import type { Middleware } from 'koa';

/**
 * A request runs once every connection that had data in this event-loop turn has been read: in
 * the loop's check phase (one setImmediate per turn), and the answers of one turn leave together.
 * It is how Redis answers its clients (replies are written before it next waits for sockets), and
 * for the same reason: a server that answers each request from inside its socket's read callback
 * wakes the client's side once per answer, and on loopback or a virtual machine that wake-up, paid
 * in the sender's write, cost more than the request (docs/performance.md, "Answering at the end
 * of the turn"). Nothing waits longer than the turn it arrived in; one client alone waits for
 * nothing, since its turn holds only its request.
 */
export function endOfReadTurn(): Middleware {
  let waiting: (() => void)[] = [];
  const runTurn = () => {
    const turn = waiting;
    waiting = [];
    for (const run of turn) run();
  };
  const atEndOfTurn = (run: () => void) => {
    if (waiting.length === 0) setImmediate(runTurn);
    waiting.push(run);
  };
  return function endOfReadTurnMiddleware(_ctx, next) {
    return new Promise<void>(atEndOfTurn).then(next);
  };
}
