/**
 * Runs work one at a time per key, in the order it was asked for, and different keys side by side
 * (a terminal's rule evaluations, its downlink changes). Keys with nothing queued take no memory.
 */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /**
   * Runs `work` once every key's earlier work has run, holding all the keys until it is done (a
   * batch over many terminals). Keys are taken when called, so two calls never wait on each other.
   */
  runAll<T>(keys: Iterable<string>, work: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    const prev = Promise.all(unique.map((k) => this.tails.get(k)));
    const next = prev.then(work, work);
    const tail = next.catch(() => undefined);
    for (const key of unique) {
      this.tails.set(key, tail);
      void tail.then(() => {
        if (this.tails.get(key) === tail) this.tails.delete(key);
      });
    }
    return next;
  }

  /** Resolves once everything queued now has run. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
