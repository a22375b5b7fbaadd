/**
 * A bounded queue between a producer (the merge finding transfers) and consumers (the
 * transfer workers): `push` waits while it is full, readers wait while it is empty, and
 * `close` ends it for both.
 */
export class Channel<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private readonly readers: ((result: IteratorResult<T>) => void)[] = [];
  private readonly writers: (() => void)[] = [];
  private closed = false;

  constructor(private readonly capacity: number) {}

  async push(item: T): Promise<void> {
    while (this.items.length >= this.capacity && !this.closed) {
      await new Promise<void>((resolve) => this.writers.push(resolve));
    }
    if (this.closed) return;
    const reader = this.readers.shift();
    if (reader) reader({ value: item, done: false });
    else this.items.push(item);
  }

  /** No more items: readers finish once the queue is empty; pushes are dropped. */
  close(): void {
    this.closed = true;
    for (const reader of this.readers.splice(0)) reader({ value: undefined, done: true });
    for (const writer of this.writers.splice(0)) writer();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.items.length > 0) {
          const value = this.items.shift() as T;
          this.writers.shift()?.();
          return Promise.resolve({ value, done: false });
        }
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.readers.push(resolve));
      },
    };
  }
}
