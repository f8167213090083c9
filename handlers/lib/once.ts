/**
 * A value created on first use and kept for the container's life. A creation
 * that fails is forgotten, so the next use tries again instead of failing
 * forever.
 */
export interface Cached<T> {
  get(): Promise<T>;
  /** The value if one was asked for, without creating it. */
  peek(): Promise<T> | undefined;
}

export function cachedUntilFailure<T>(create: () => Promise<T>): Cached<T> {
  let current: Promise<T> | undefined;
  return {
    get() {
      if (!current) {
        const created = create();
        current = created;
        // Only this attempt is forgotten; a newer one may already be in place.
        created.catch(() => {
          if (current === created) current = undefined;
        });
      }
      return current;
    },
    peek: () => current,
  };
}
