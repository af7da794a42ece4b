/** A promise a test opens by hand: holds a loader mid-flight while the test changes the world. */
export function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/**
 * A loader that reads its value when it starts, says so, and then waits for the test to let it
 * finish: tests await `started` instead of sleeping and hoping the loader has begun.
 */
export function heldLoader<T>(read: () => T) {
  const begun = gate();
  const held = gate();
  return {
    loader: async () => {
      const value = read();
      begun.open();
      await held.opened;
      return value;
    },
    started: begun.opened,
    release: held.open,
  };
}

/**
 * A loader held until `release()`, counting how many times it was started: a test of how many
 * refreshes a burst starts counts them while the first is still in flight, instead of hoping the
 * burst ends before a fixed delay does.
 */
export function countedHeldLoader<T>(load: () => T | Promise<T>) {
  const held = gate();
  let starts = 0;
  return {
    loader: async () => {
      starts++;
      await held.opened;
      return load();
    },
    starts: () => starts,
    release: held.open,
  };
}
