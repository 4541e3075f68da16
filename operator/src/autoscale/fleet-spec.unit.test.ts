import { fleetSpecSchema } from "../api/meetingfleet.ts";
import { policySpecOf } from "./fleet-spec.ts";
import { policyDefaults } from "./policy.ts";

const signaling = { xmppServer: "prosody.jitsi", authPasswordSecretRef: { name: "jvb-xmpp" } };

describe("the policy a MeetingFleet asks for", () => {
  test("durations become milliseconds and every field reaches the policy", () => {
    const schedule = [{ days: [1, 2, 3, 4, 5], start: "07:50", end: "10:05", minReplicas: 16 }];
    const spec = fleetSpecSchema.parse({
      minReplicas: 2,
      maxReplicas: 40,
      replicas: 2,
      signaling,
      autoscaling: {
        targetStress: 0.7,
        targetParticipants: 90,
        lookahead: "1m30s",
        headroom: 2,
        scaleUpWindow: "15s",
        scaleDownWindow: "2m",
        burstMemory: "45m",
        timeZone: "Europe/Rome",
        schedule,
      },
    });
    expect(policySpecOf(spec)).toEqual({
      minReplicas: 2,
      maxReplicas: 40,
      targetStress: 0.7,
      targetParticipants: 90,
      lookaheadMs: 90_000,
      headroom: 2,
      scaleUpWindowMs: 15_000,
      scaleDownWindowMs: 120_000,
      burstMemoryMs: 2_700_000,
      roomForRises: true,
      roomForLargestConference: true,
      timeZone: "Europe/Rome",
      schedule,
    });
  });

  test("the CRD's defaults are the policy's own", () => {
    const { targetParticipants, ...stated } = policySpecOf(fleetSpecSchema.parse({ signaling, autoscaling: {} }));
    expect(targetParticipants).toBeUndefined();
    // Every field the fleet states, bar its own bounds, is what the policy would take by itself.
    expect({ ...policyDefaults, ...stated }).toEqual({ ...policyDefaults, minReplicas: stated.minReplicas, maxReplicas: stated.maxReplicas });
  });

  test("a burst memory of 0s keeps no room for rises or large conferences", () => {
    const policy = policySpecOf(fleetSpecSchema.parse({ signaling, autoscaling: { burstMemory: "0s" } }));
    expect(policy).toMatchObject({ burstMemoryMs: 0, roomForRises: false, roomForLargestConference: false });
  });

  test("a fleet without autoscaling has no policy", () => {
    expect(() => policySpecOf(fleetSpecSchema.parse({ signaling }))).toThrow("spec.autoscaling is not set");
  });
});
