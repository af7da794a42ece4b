/** A promise a test opens by hand: holds a loader mid-flight while the test changes the world. */
export function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}
