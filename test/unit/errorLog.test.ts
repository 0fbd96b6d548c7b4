import test from 'ava';
import { errorSerializer } from '../../app/infra/errorLog';

// The error-log serializer alone: values a database error quotes never reach the log,
// through a wrapping error's cause too; names of columns and keys stay for debugging.
test('a database error in a cause chain is logged without its values, with its statement and names', (t) => {
  const db = Object.assign(new Error("insert into `users` (`email`) values (?) - Duplicate entry 'pat@example.test' for key 'users_email_unique'"), {
    code: 'ER_DUP_ENTRY',
    sqlMessage: "Duplicate entry 'pat@example.test' for key 'users_email_unique'",
    sql: "insert into `users` (`email`) values ('pat@example.test')",
    bindings: ['pat@example.test'],
  });
  const logged = JSON.stringify(errorSerializer(new Error('mysql is unavailable', { cause: db })));
  t.false(logged.includes('pat@example.test'), logged);
  t.regex(logged, /insert into `users`/);
  t.regex(logged, /users_email_unique/);
  t.regex(logged, /ER_DUP_ENTRY/);
});

test('other errors are logged as they are', (t) => {
  const logged = errorSerializer(Object.assign(new Error("Cannot read properties of undefined (reading 'id')"), { code: 'E_OTHER' })) as Record<string, unknown>;
  t.is(logged.message, "Cannot read properties of undefined (reading 'id')");
  t.is(logged.code, 'E_OTHER');
  t.regex(String(logged.stack), /^Error: Cannot read/);
});
