import cliProgress from 'cli-progress';

/**
 * A progress bar on stderr for long work, shown only when stderr is a terminal (never in pipes, CI
 * logs or JSON output). One bar per phase; `update` may be called as often as wanted.
 */
export class Progress {
  private bar: cliProgress.SingleBar | undefined;
  private phase = '';

  constructor(private readonly enabled = Boolean(process.stderr.isTTY)) {}

  update(phase: string, done: number, total: number): void {
    if (!this.enabled) return;
    if (phase !== this.phase) {
      this.bar?.stop();
      this.phase = phase;
      this.bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: `${phase.padEnd(10)} {bar} {percentage}% | {value}/{total} | ETA {eta_formatted}`,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0);
    }
    this.bar?.update(done);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
    this.phase = '';
  }
}
