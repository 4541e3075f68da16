import { describeZodError } from "../util/zod-error.ts";
import { fleetSpecSchema } from "./meetingfleet.ts";

const signaling = { xmppServer: "prosody.jitsi", authPasswordSecretRef: { name: "jvb-xmpp" } };
const nodePort = (start: number, end: number) => ({ exposure: "NodePort", nodePortRange: { start, end } });
const refusal = (spec: Record<string, unknown>) => {
  const parsed = fleetSpecSchema.safeParse({ signaling, ...spec });
  return parsed.success ? "accepted" : describeZodError(parsed.error);
};

describe("the fleet spec's cross-field rules, as the operator checks them", () => {
  test("each broken rule is refused with the CRD's message, at the field it names", () => {
    expect(refusal({ minReplicas: 5, maxReplicas: 3, replicas: 4 })).toContain("minReplicas: spec.minReplicas must be <= spec.maxReplicas");
    expect(refusal({ minReplicas: 2, replicas: 0 })).toBe("replicas: spec.replicas must be between spec.minReplicas and spec.maxReplicas");
    expect(refusal({ maxReplicas: 3, replicas: 4 })).toBe("replicas: spec.replicas must be between spec.minReplicas and spec.maxReplicas");
    expect(refusal({ media: { exposure: "NodePort" } })).toBe("media: spec.media.nodePortRange is required when spec.media.exposure is NodePort");
    expect(refusal({ autoscaling: { schedule: [{ days: [1], start: "08:00", end: "13:00", minReplicas: 11 }] } })).toBe(
      "autoscaling.schedule: spec.autoscaling.schedule[].minReplicas must be <= spec.maxReplicas",
    );
    expect(refusal({ maxReplicas: 30, media: nodePort(31900, 31909) })).toBe(
      "media.nodePortRange: spec.media.nodePortRange is too small: it must hold at least spec.maxReplicas ports",
    );
    expect(refusal({ maxReplicas: 1, replicas: 1, media: nodePort(31910, 31900) })).toContain(
      "media.nodePortRange: spec.media.nodePortRange.start must be <= spec.media.nodePortRange.end",
    );
  });

  test("the rules read the spec with its defaults filled in, as the API server stores it", () => {
    expect(refusal({})).toBe("accepted"); // replicas 2 within the default 1..10
    expect(refusal({ replicas: 11 })).toContain("spec.replicas must be between"); // over the default maxReplicas
    expect(refusal({ minReplicas: 0, replicas: 0 })).toBe("accepted");
  });

  test("a spec with fields of the wrong type is refused for those, without the rules reading them", () => {
    expect(refusal({ media: "NodePort", replicas: "2" })).toBe(
      "replicas: Invalid input: expected number, received string; media: Invalid input: expected object, received string",
    );
  });

  test("on their boundaries the rules accept", () => {
    expect(refusal({ minReplicas: 3, maxReplicas: 3, replicas: 3, media: nodePort(31900, 31902) })).toBe("accepted");
    expect(refusal({ maxReplicas: 4, autoscaling: { schedule: [{ days: [1], start: "08:00", end: "13:00", minReplicas: 4 }] } })).toBe("accepted");
  });
});
