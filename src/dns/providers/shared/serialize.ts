/**
 * Runs tasks that share a key one after another, in call order. Providers that keep
 * every TXT value of a name in one record set read, modify and write that set, so two
 * concurrent writers on one name would otherwise overwrite each other's value.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

/**
 * Runs `attempt` again while it fails with an error that `isConflict` accepts, at most
 * `maxAttempts` times in all. The API's concurrency guard raises such a conflict when
 * another writer (another job, not this process) changed the record set in between.
 */
export async function retryOnConflict<T>(
  maxAttempts: number,
  attempt: () => Promise<T>,
  isConflict: (error: unknown) => boolean,
): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= maxAttempts || !isConflict(error)) throw error;
    }
  }
}
