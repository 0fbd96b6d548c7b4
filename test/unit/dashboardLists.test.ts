import test from 'ava';
import { SCOPES } from '../../app/domain/scopes';
import { WEBHOOK_EVENTS } from '../../app/domain/email';
import { SCOPES as DASHBOARD_SCOPES } from '../../dashboard/src/scopes';
import { WEBHOOK_EVENTS as DASHBOARD_EVENTS } from '../../dashboard/src/webhooks/events';

// The dashboard keeps its own copies of the API's lists (it is built separately, for the
// browser): the scopes a key may be given and the events a webhook may hear must stay the API's.
test('the dashboard offers exactly the scopes the API accepts', (t) => {
  t.deepEqual([...DASHBOARD_SCOPES], [...SCOPES]);
});

test('the dashboard offers exactly the webhook events the API accepts', (t) => {
  t.deepEqual([...DASHBOARD_EVENTS], [...WEBHOOK_EVENTS]);
});
