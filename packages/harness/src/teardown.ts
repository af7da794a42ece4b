/**
 * Everything a run starts is registered here and undone in reverse order, also on error or
 * Ctrl-C, so no redis-server, app or database outlives it.
 */
export class Teardown {
  private readonly steps: [string, () => Promise<unknown>][] = [];

  add(what: string, undo: () => Promise<unknown>): void {
    this.steps.push([what, undo]);
  }

  async run(): Promise<void> {
    for (const [what, undo] of this.steps.splice(0).reverse()) {
      await undo().catch((error: unknown) => console.error(`teardown: ${what} failed:`, error));
    }
  }

  /** Undo everything on SIGINT, then exit 130. */
  onInterrupt(): void {
    process.once('SIGINT', () => {
      void this.run().then(() => process.exit(130));
    });
  }

  /** Runs `main` with Ctrl-C handling, logs its error, always tears down, sets the exit code. */
  async runMain(main: () => Promise<number | undefined>): Promise<void> {
    this.onInterrupt();
    let code = 1;
    try {
      code = (await main()) ?? 0;
    } catch (error) {
      console.error(error);
    } finally {
      await this.run();
    }
    process.exitCode = code;
  }
}
