// The conference driver of the real-Jitsi test bed: the same load scripts and trace files as the
// emulator's driver, played by synthetic participants (participant.ts) through real Prosody and Jicofo.
// Each arrival is a meeting in a room of its own: its people join one after another, stay for the
// meeting's duration and hang up. Interruptions are what the participants saw: the focus ending their
// session, or moving them to another bridge. Figures have the emulator driver's shape (DriverStats).

import type { DriverStats, Interruption } from "../emulator/driver.ts";
import type { ConferenceArrival } from "../emulator/trace.ts";
import { Participant, type SignalingAddress } from "./participant.ts";

interface Meeting {
  id: string;
  people: Participant[];
  endTimer?: ReturnType<typeof setTimeout>;
  /** Interruptions of this meeting already counted (one per participant's event). */
  counted: number;
}

export class MeetingDriver {
  private readonly address: SignalingAddress;
  private readonly pending = new Set<ReturnType<typeof setTimeout>>();
  private readonly meetings = new Map<string, Meeting>();
  private readonly interruptions: Interruption[] = [];
  private readonly counters = { conferencesStarted: 0, conferencesEnded: 0, conferencesRefused: 0, participantsRefused: 0, interrupted: 0 };
  private nextId = 0;

  constructor(address: SignalingAddress) {
    this.address = address;
  }

  /** Replaces whatever load was pending with these arrivals, timed from now. Running meetings go on. */
  replay(arrivals: readonly ConferenceArrival[]): void {
    this.stopLoad();
    for (const arrival of arrivals) {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        void this.start(arrival);
      }, arrival.startMs);
      this.pending.add(timer);
    }
  }

  stopLoad(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }

  /** Every running meeting ends normally (its people hang up): not an interruption. */
  async endAll(): Promise<void> {
    await Promise.all([...this.meetings.values()].map((m) => this.end(m)));
  }

  stats(): DriverStats {
    for (const meeting of this.meetings.values()) this.collect(meeting);
    const participants = [...this.meetings.values()].reduce((sum, m) => sum + m.people.length, 0);
    return {
      ...this.counters,
      activeConferences: this.meetings.size,
      participants,
      pendingArrivals: this.pending.size,
      placedOnOverloadedBridge: 0,
      interruptions: [...this.interruptions],
    };
  }

  private async start(arrival: ConferenceArrival): Promise<void> {
    const meeting: Meeting = { id: `load-${process.pid}-${this.nextId++}`, people: [], counted: 0 };
    this.meetings.set(meeting.id, meeting);
    this.counters.conferencesStarted++;
    for (let i = 0; i < arrival.participants && this.meetings.has(meeting.id); i++) {
      try {
        meeting.people.push(await Participant.join(this.address, meeting.id));
      } catch {
        this.counters.participantsRefused++;
      }
    }
    if (meeting.people.length === 0) {
      this.meetings.delete(meeting.id);
      this.counters.conferencesRefused++;
      return;
    }
    meeting.endTimer = setTimeout(() => void this.end(meeting), arrival.durationMs);
  }

  private async end(meeting: Meeting): Promise<void> {
    if (!this.meetings.delete(meeting.id)) return;
    if (meeting.endTimer) clearTimeout(meeting.endTimer);
    this.collect(meeting);
    await Promise.all(meeting.people.map((p) => p.leave()));
    this.counters.conferencesEnded++;
  }

  /** A meeting counts as interrupted once, when the first of its people is cut or moved. */
  private collect(meeting: Meeting): void {
    const seen = meeting.people.flatMap((p) => p.interruptions.map((i) => ({ ...i, bridge: p.offers.at(-2)?.candidates[0]?.ip ?? "" })));
    if (seen.length === 0 || meeting.counted > 0) return;
    meeting.counted = seen.length;
    this.counters.interrupted++;
    const first = seen.sort((a, b) => a.at - b.at)[0]!;
    this.interruptions.push({
      conferenceId: meeting.id,
      bridgeId: first.bridge,
      participants: meeting.people.length,
      reason: first.action === "session-terminate" ? "bridge-gone" : "bridge-shutting-down",
      at: new Date(first.at).toISOString(),
    });
  }
}
