// The emulated bridge's load model. JVB computes stress as load / load-threshold; with the packet-rate
// measurement the threshold is 50,000 packets/s (jitsi.md). A bridge receives what its participants
// send and forwards to each of them the streams of the others it can see (last-n caps video) and the
// loudest few audio streams, so load grows with senders x receivers inside each conference: 100 people
// in 10 meetings of 10 cost 1.4 times what they cost in 25 meetings of 4. Rates are assumptions, chosen so that a
// bridge reaches stress 1.0 at about 130 participants in meetings of four (reference band: 100-200 on a
// 4-8 vCPU bridge).
// Two facts of a Jitsi deployment shape large meetings:
// - jitsi-meet's `startAudioMuted` / `startVideoMuted` (set to 10 here, the value its config.js
//   documents): every participant after the tenth joins muted and sends nothing, so a conference has at
//   most 10 senders whatever its size;
// - Octo (relays): a conference can span bridges. Each bridge then also receives every remote sender's
//   streams once over the relay and sends its own senders' streams once to every other bridge.

export interface StressModel {
  /** Packets/s a bridge can carry at stress 1.0 (JVB's packet-rate load-threshold). */
  loadThresholdPps: number;
  /** Packets/s each sender sends: audio plus simulcast video. */
  uplinkPps: number;
  /** Packets/s of one forwarded video stream (one simulcast layer). */
  videoForwardPps: number;
  /** Packets/s of one forwarded audio stream. */
  audioForwardPps: number;
  /** Video streams a participant receives at most (last-n). */
  lastN: number;
  /** Audio streams a participant receives at most (the loudest speakers). */
  audioLastN: number;
  /** Participants after this many join muted (jitsi-meet's startAudioMuted / startVideoMuted). */
  startMutedAfter: number;
}

export const defaultStressModel: StressModel = {
  loadThresholdPps: 50_000,
  uplinkPps: 150,
  videoForwardPps: 25,
  audioForwardPps: 50,
  lastN: 25,
  audioLastN: 3,
  startMutedAfter: 10,
};

/** One conference's share of one bridge. */
export interface ConferencePart {
  /** Participants on this bridge. */
  local: number;
  /** Of them, senders. */
  localSenders: number;
  /** Senders in the whole conference, on any bridge. */
  senders: number;
  /** Other bridges the conference spans (Octo relays). */
  relays: number;
  /** Participants of the conference on those other bridges. */
  remote: number;
}

/** Senders of a conference of `size`: the first joiners, up to the start-muted limit. */
export function sendersOf(size: number, model: StressModel = defaultStressModel): number {
  return Math.min(size, model.startMutedAfter);
}

/** A conference that lives on one bridge. */
export function wholeConference(size: number, model: StressModel = defaultStressModel): ConferencePart {
  const senders = sendersOf(size, model);
  return { local: size, localSenders: senders, senders, relays: 0, remote: 0 };
}

/** Packets/s that a part of a conference costs the bridge holding it. */
export function partPacketRate(part: ConferencePart, model: StressModel = defaultStressModel): number {
  if (part.local <= 0) return 0;
  const received = (visibleSenders: number) =>
    Math.min(visibleSenders, model.lastN) * model.videoForwardPps + Math.min(visibleSenders, model.audioLastN) * model.audioForwardPps;
  // A sender does not receive itself back.
  const forwarded = part.localSenders * received(part.senders - 1) + (part.local - part.localSenders) * received(part.senders);
  const fromLocalSenders = part.localSenders * model.uplinkPps;
  const relayIn = part.relays > 0 ? (part.senders - part.localSenders) * model.uplinkPps : 0;
  const relayOut = part.localSenders * model.uplinkPps * part.relays;
  return fromLocalSenders + forwarded + relayIn + relayOut;
}

/** Each bridge's part of a conference spread over bridges (bridge id -> its participants and senders there). */
export function conferenceParts(spread: ReadonlyMap<string, { participants: number; senders: number }>): Map<string, ConferencePart> {
  const used = [...spread].filter(([, p]) => p.participants > 0);
  const senders = used.reduce((sum, [, p]) => sum + p.senders, 0);
  const size = used.reduce((sum, [, p]) => sum + p.participants, 0);
  return new Map(
    used.map(([id, p]) => [id, { local: p.participants, localSenders: p.senders, senders, relays: used.length - 1, remote: size - p.participants }]),
  );
}

/** JVB's stress_level for a bridge holding these conference parts. It exceeds 1 past the threshold. */
export function stressLevel(parts: Iterable<ConferencePart>, model: StressModel = defaultStressModel): number {
  let total = 0;
  for (const part of parts) total += partPacketRate(part, model);
  return total / model.loadThresholdPps;
}

/** Stress that a whole conference of `size` puts on one bridge. */
export function conferenceStress(size: number, model: StressModel = defaultStressModel): number {
  return partPacketRate(wholeConference(size, model), model) / model.loadThresholdPps;
}
