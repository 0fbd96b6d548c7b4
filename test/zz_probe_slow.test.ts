import test from 'ava';
test('probe: slow', async (t) => { await new Promise((r) => setTimeout(r, 30000)); t.fail('should be interrupted'); });
