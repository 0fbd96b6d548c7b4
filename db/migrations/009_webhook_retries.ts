import type { Knex } from 'knex';

// A failed delivery attempt records when the queue will try again, so a reader of the attempt
// log (the API, the dashboard) can tell "will retry at 12:05" from "gave up". NULL on a delivered
// attempt, on the last one and on one the server will not retry (target refused, webhook gone).
// Rows written before this migration have NULL: nothing is known about their schedule.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_attempts', (t) => {
    t.bigInteger('next_attempt_at').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_attempts', (t) => {
    t.dropColumn('next_attempt_at');
  });
}
