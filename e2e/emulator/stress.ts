// The emulated bridge's load model. JVB computes stress as load / load-threshold; with the packet-rate
// measurement the threshold is 50,000 packets/s (jitsi.md). A bridge forwards, for every participant,
// the streams of the others it can see (last-n caps video) and the loudest few audio streams, so load
// grows with senders x receivers inside each conference: 100 people in 25 small meetings cost far less
// than 100 in one meeting. Rates are assumptions, chosen so that a bridge reaches stress 1.0 at about
// 130 participants in meetings of four (reference band: 100-200 on a 4-8 vCPU bridge).

export interface StressModel {
  /** Packets/s a bridge can carry at stress 1.0 (JVB's packet-rate load-threshold). */
  loadThresholdPps: number;
  /** Packets/s each participant sends: audio plus simulcast video. */
  uplinkPps: number;
  /** Packets/s of one forwarded video stream (one simulcast layer). */
  videoForwardPps: number;
  /** Packets/s of one forwarded audio stream. */
  audioForwardPps: number;
  /** Video streams a participant receives at most (last-n). */
  lastN: number;
  /** Audio streams a participant receives at most (the loudest speakers). */
  audioLastN: number;
}

export const defaultStressModel: StressModel = {
  loadThresholdPps: 50_000,
  uplinkPps: 150,
  videoForwardPps: 25,
  audioForwardPps: 50,
  lastN: 25,
  audioLastN: 3,
};

/** Packets/s that a conference of `participants` people costs the bridge that hosts them. */
export function conferencePacketRate(participants: number, model: StressModel = defaultStressModel): number {
  if (participants <= 0) return 0;
  const others = participants - 1;
  const perParticipant =
    model.uplinkPps +
    Math.min(others, model.lastN) * model.videoForwardPps +
    Math.min(others, model.audioLastN) * model.audioForwardPps;
  return participants * perParticipant;
}

/** Total packet rate of a bridge hosting conferences of the given sizes. */
export function bridgePacketRate(conferenceSizes: Iterable<number>, model: StressModel = defaultStressModel): number {
  let total = 0;
  for (const size of conferenceSizes) total += conferencePacketRate(size, model);
  return total;
}

/** JVB's stress_level: load / load-threshold. It exceeds 1 when the bridge is past its threshold. */
export function stressLevel(conferenceSizes: Iterable<number>, model: StressModel = defaultStressModel): number {
  return bridgePacketRate(conferenceSizes, model) / model.loadThresholdPps;
}
