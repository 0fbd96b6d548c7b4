import type { Message, Thread } from '../domain/email';
import type { Page } from '../domain/types';
import { ApiError } from '../errors';
import type { MessageRepository } from '../repositories/messages';
import type { ThreadRepository } from '../repositories/threads';
import type { InboxService } from './inboxes';

/** Threads are read-only: they are made and extended by sending and replying. */
export class ThreadService {
  constructor(
    private readonly threads: ThreadRepository,
    private readonly messages: MessageRepository,
    private readonly inboxes: InboxService,
  ) {}

  /** A page of threads, each with its message ids (oldest first). */
  async list(organizationId: string, inboxId: string, page: Page): Promise<Array<{ thread: Thread; messageIds: string[] }>> {
    await this.inboxes.get(organizationId, inboxId);
    const threads = await this.threads.listForInbox(organizationId, inboxId, page);
    const ids = await this.messages.idsByThread(threads.map((t) => t.id));
    return threads.map((thread) => ({ thread, messageIds: ids.get(thread.id) ?? [] }));
  }

  /** One thread with its messages in full, oldest first. */
  async get(organizationId: string, inboxId: string, id: string): Promise<{ thread: Thread; messages: Message[] }> {
    const thread = await this.threads.findForInbox(organizationId, inboxId, id);
    if (!thread) throw new ApiError('not_found', 'No thread with this id in this inbox.');
    return { thread, messages: await this.messages.listForThread(thread.id) };
  }
}
