import test from 'ava';
import { holdsInbox, holdsScope, inboxesWithin, scopeBeyond } from '../../app/domain/scopes';

test('holdsScope: "*" holds everything, a list only its members; a record cached before scopes existed holds everything', (t) => {
  t.true(holdsScope({ scopes: ['*'] }, 'webhooks:write'));
  t.true(holdsScope({ scopes: ['inboxes:read', 'messages:send'] }, 'messages:send'));
  t.false(holdsScope({ scopes: ['inboxes:read'] }, 'inboxes:write'));
  t.true(holdsScope({}, 'api_keys:write'));
});

test('holdsInbox: null or absent inboxIds is every inbox', (t) => {
  t.true(holdsInbox({ inboxIds: null }, 'a'));
  t.true(holdsInbox({}, 'a'));
  t.true(holdsInbox({ inboxIds: ['a'] }, 'a'));
  t.false(holdsInbox({ inboxIds: ['a'] }, 'b'));
});

test('scopeBeyond names the first scope the holder lacks; "*" is within "*" only', (t) => {
  t.is(scopeBeyond({ scopes: ['*'] }, ['*']), null);
  t.is(scopeBeyond({ scopes: ['inboxes:read'] }, ['*']), '*');
  t.is(scopeBeyond({ scopes: ['inboxes:read', 'usage:read'] }, ['usage:read']), null);
  t.is(scopeBeyond({ scopes: ['inboxes:read'] }, ['inboxes:read', 'usage:read']), 'usage:read');
});

test('inboxesWithin: a restricted holder cannot grant all inboxes nor one outside its own', (t) => {
  t.true(inboxesWithin({ inboxIds: null }, null));
  t.true(inboxesWithin({ inboxIds: ['a', 'b'] }, ['b']));
  t.false(inboxesWithin({ inboxIds: ['a'] }, null));
  t.false(inboxesWithin({ inboxIds: ['a'] }, ['a', 'c']));
});
