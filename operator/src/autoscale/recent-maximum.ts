// The largest value seen over a recent span, kept per minute. The policy asks on every stats tick, and
// the overload memory spans a day (1,440 minutes), so both add and max must not walk the whole span:
// the minutes are kept as a queue of falling values (a sliding-window maximum). A minute whose value is
// at most a later one's can never be the answer again, since the later one stays in the span longer.

const minuteMs = 60_000;

export class RecentMaximum {
  /** Oldest first; each value is larger than every later one. */
  private readonly falling: Array<{ minute: number; value: number }> = [];
  private readonly spanMs: number;

  constructor(spanMs: number) {
    this.spanMs = spanMs;
  }

  /**
   * One kept earlier (`minutes()`, e.g. read back from storage), for a span that may differ: anything but
   * minutes in order with falling values is dropped whole, since a wrong queue would give wrong answers.
   */
  static restore(spanMs: number, minutes: unknown): RecentMaximum {
    const restored = new RecentMaximum(spanMs);
    if (!Array.isArray(minutes)) return restored;
    const valid = minutes.every(
      (m, i) =>
        Array.isArray(m) &&
        m.length === 2 &&
        Number.isInteger(m[0]) &&
        Number.isFinite(m[1]) &&
        (i === 0 || (m[0] > minutes[i - 1][0] && m[1] < minutes[i - 1][1])),
    );
    if (valid) for (const [minute, value] of minutes as Array<[number, number]>) restored.falling.push({ minute, value });
    return restored;
  }

  /** What it holds, as [epoch minute, value], oldest first: plain JSON to store. */
  minutes(): Array<[number, number]> {
    return this.falling.map((m) => [m.minute, m.value]);
  }

  /** `now` never goes back: figures arrive in time order. */
  add(now: number, value: number): void {
    const minute = Math.floor(now / minuteMs);
    while (this.falling.length > 0 && this.falling.at(-1)!.value <= value) this.falling.pop();
    if (this.falling.at(-1)?.minute === minute) return; // this minute already holds a larger value
    this.falling.push({ minute, value });
    while (this.expired(this.falling[0]!.minute, minute)) this.falling.shift();
  }

  /** Never below 0, which it is when nothing was seen within the span. */
  max(now: number): number {
    const minute = Math.floor(now / minuteMs);
    return Math.max(0, this.falling.find((m) => !this.expired(m.minute, minute))?.value ?? 0);
  }

  private expired(seen: number, minute: number): boolean {
    return (minute - seen) * minuteMs > this.spanMs;
  }
}
