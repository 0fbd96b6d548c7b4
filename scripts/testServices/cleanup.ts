import { Guardian, type Leftover } from './guardian';

/** Something the test run created and must undo: a server process, a temp folder. */
export interface Resource {
  /** Graceful release, awaited on normal exit and on SIGINT/SIGTERM. */
  release(): Promise<void>;
  /** What the guardian undoes if this script is killed before release() ran. */
  leftover: Leftover;
}

/**
 * Tracks resources and releases them newest first, so a server stops before
 * its data folder is deleted. Safe to call from several exit paths at once.
 */
export class Cleanup {
  private readonly resources: Resource[] = [];
  private readonly releasing = new Map<Resource, Promise<void>>();
  private readonly guardian = new Guardian();
  private closed = false;

  /** True once shutdown began: callers should stop starting new servers. */
  get isClosing(): boolean {
    return this.closed;
  }

  /** Registers a resource; returns a function that releases just this one. */
  add(resource: Resource): () => Promise<void> {
    this.guardian.track(resource.leftover);
    this.resources.push(resource);
    // A server that finished starting after shutdown began is undone at once.
    if (this.closed) void this.release(resource);
    return () => this.release(resource);
  }

  async releaseAll(): Promise<void> {
    this.closed = true;
    for (const resource of [...this.resources].reverse()) await this.release(resource);
  }

  /** Idempotent: concurrent callers share one release. */
  private release(resource: Resource): Promise<void> {
    if (!this.resources.includes(resource)) return Promise.resolve();
    let pending = this.releasing.get(resource);
    if (!pending) {
      pending = releaseQuietly(resource).then((released) => {
        this.resources.splice(this.resources.indexOf(resource), 1);
        this.releasing.delete(resource);
        // On failure the guardian stays armed and tries once more at exit.
        if (released) this.guardian.untrack(resource.leftover);
      });
      this.releasing.set(resource, pending);
    }
    return pending;
  }
}

async function releaseQuietly(resource: Resource): Promise<boolean> {
  try {
    await resource.release();
    return true;
  } catch (error) {
    // Report but continue: the test result matters more than a leftover temp folder.
    console.error(`npm test: cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}
