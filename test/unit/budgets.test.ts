import test from 'ava';
import { withinBudget } from '../../app/domain/budgets';

const DEFAULT = { points: 1000, duration: 60 };

test('a budget is within the ceiling only when both its burst and its rate are', (t) => {
  t.true(withinBudget(DEFAULT, DEFAULT), 'the default itself');
  t.true(withinBudget({ points: 10, duration: 60 }, DEFAULT), 'fewer points, same window');
  t.true(withinBudget({ points: 1000, duration: 3600 }, DEFAULT), 'same burst, lower rate');
  t.true(withinBudget({ points: 16, duration: 1 }, DEFAULT), '16/s is below 1000/60 s = 16.7/s');
  t.false(withinBudget({ points: 17, duration: 1 }, DEFAULT), '17/s is above 16.7/s');
  t.false(withinBudget({ points: 1000, duration: 1 }, DEFAULT), 'same points, shorter window: a higher rate');
  t.false(withinBudget({ points: 2000, duration: 600 }, DEFAULT), 'a lower rate but a burst above the default');
  t.false(withinBudget({ points: 1_000_000_000, duration: 1 }, DEFAULT), 'the review\'s example');
});
