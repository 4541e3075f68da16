// Meetings of synthetic participants on the real-Jitsi test bed (BRIDGES=jvb), for the e2e suites.

import { Participant, type SignalingAddress } from "../jitsi/participant.ts";
import { eventually, type Testbed } from "./testbed.ts";

/** Where participants log in: the test bed's Prosody, with docker-jitsi-meet's domains. */
export function signalingOf(bed: Testbed): SignalingAddress {
  if (!bed.jitsi) throw new Error("this suite needs the real-Jitsi test bed: BRIDGES=jvb make cluster-up");
  return { service: `xmpp://127.0.0.1:${bed.jitsi.xmppPort}`, domain: "meet.jitsi", mucDomain: "muc.meet.jitsi", focus: "focus.meet.jitsi" };
}

/** `count` participants join `room` one after another; resolves when each holds Jicofo's offer. Each is added to `everyone`, for the suite to hang up. */
export async function meeting(address: SignalingAddress, room: string, count: number, everyone: Participant[]): Promise<Participant[]> {
  const joined: Participant[] = [];
  for (let i = 0; i < count; i++) {
    const p = await Participant.join(address, room);
    everyone.push(p);
    joined.push(p);
  }
  await eventually(`Jicofo's offers in ${room}`, async () => joined.every((p) => p.bridgeAddress !== undefined), 60_000);
  return joined;
}
