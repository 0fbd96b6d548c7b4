import test from 'ava';
import { hundredths } from '../../app/middleware/accessLog';

const asJsonWrites = (ms: number) => String(Math.round(ms * 100) / 100);

test('durations print as JSON prints the same milliseconds rounded to hundredths', (t) => {
  for (let total = 0; total <= 200_000; total++) {
    t.is(hundredths(total / 100), asJsonWrites(total / 100));
  }
  const samples = [0, 0.004, 0.005, 0.015, 0.1, 0.999, 1.005, 1.25, 9.995, 12.5, 99.99, 1234.567, 86_400_000.126, 2 ** 31, 1e15];
  for (const ms of samples) t.is(hundredths(ms), asJsonWrites(ms), String(ms));
  let seed = 7;
  for (let i = 0; i < 100_000; i++) {
    seed = (seed * 48271) % 2147483647;
    const ms = (seed / 2147483647) * 10 ** ((i % 7) - 1);
    t.is(hundredths(ms), asJsonWrites(ms), String(ms));
  }
});
