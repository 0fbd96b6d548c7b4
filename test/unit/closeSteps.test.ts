import test from 'ava';
import pino from 'pino';
import { runCloseSteps } from '../../app/lib/closeSteps';

test('every close step runs, in order, even after one that failed or hung; neither is thrown', async (t) => {
  const ran: string[] = [];
  const logged: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => logged.push(JSON.parse(line).step) });
  await runCloseSteps(
    {
      first: () => ran.push('first'),
      fails: async () => {
        ran.push('fails');
        throw new Error('broken');
      },
      hangs: () => {
        ran.push('hangs');
        return new Promise(() => undefined);
      },
      last: () => ran.push('last'),
    },
    logger,
    50,
  );
  t.deepEqual(ran, ['first', 'fails', 'hangs', 'last']);
  t.deepEqual(logged, ['fails', 'hangs']);
});
