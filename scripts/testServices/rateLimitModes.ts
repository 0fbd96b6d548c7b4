/**
 * Test files whose assertions depend on how the organization's request bucket counts, and that
 * do not already run each test in both modes themselves (those loop over RATE_LIMIT_MODES in
 * test/helpers/testApp.ts). `npm test` runs them a second time in exact mode, since every other
 * test runs in the default, lease.
 */
export const RATE_LIMIT_SENSITIVE_FILES = [
  'test/admin.test.ts',
  'test/budgets.test.ts',
  'test/messages.test.ts',
  'test/metering.test.ts',
  'test/metrics.test.ts',
  'test/organizations.test.ts',
  'test/usageAlerts.test.ts',
  'test/cluster/spread.test.ts',
];

/** The mode the second pass sets (SENDOOK_TEST_RATE_LIMIT_MODE): the one that is not the default. */
export const SECOND_PASS_MODE = 'exact';

/**
 * Which of those files a run named by `avaArgs` includes: all of them for a whole run, else those
 * named or under a folder named. ava's own flags are kept for the second pass.
 */
export function secondPassArgs(avaArgs: string[]): string[] {
  const flags = avaArgs.filter((arg) => arg.startsWith('-'));
  const named = avaArgs.filter((arg) => !arg.startsWith('-')).map((arg) => arg.replace(/^\.\//, '').replace(/\/$/, ''));
  const files = named.length === 0 ? RATE_LIMIT_SENSITIVE_FILES : RATE_LIMIT_SENSITIVE_FILES.filter((file) => named.some((n) => file === n || file.startsWith(`${n}/`)));
  return files.length === 0 ? [] : [...flags, ...files];
}
