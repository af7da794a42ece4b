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
