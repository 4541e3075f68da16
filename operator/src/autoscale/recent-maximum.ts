// The largest value seen over a recent span, kept per minute: the policy asks on every stats tick, and a
// few hours of minutes are a few hundred numbers, where every tick's value would be thousands.

const minuteMs = 60_000;

export class RecentMaximum {
  private readonly minutes: Array<{ minute: number; value: number }> = [];
  private readonly spanMs: number;

  constructor(spanMs: number) {
    this.spanMs = spanMs;
  }

  add(now: number, value: number): void {
    const minute = Math.floor(now / minuteMs);
    const last = this.minutes.at(-1);
    if (last?.minute === minute) last.value = Math.max(last.value, value);
    else this.minutes.push({ minute, value });
    while (this.minutes.length > 0 && (minute - this.minutes[0]!.minute) * minuteMs > this.spanMs) this.minutes.shift();
  }

  /** 0 when nothing was seen within the span. */
  max(now: number): number {
    const minute = Math.floor(now / minuteMs);
    let most = 0;
    for (const m of this.minutes) if ((minute - m.minute) * minuteMs <= this.spanMs) most = Math.max(most, m.value);
    return most;
  }
}
