import { fleetSpecSchema } from "../api/meetingfleet.ts";
import { bridgePod, bridgeService, type FleetRef, fleetSelector, nodePortFor, templateHash } from "./bridge-pod.ts";

const spec = (over: Record<string, unknown> = {}) =>
  fleetSpecSchema.parse({ signaling: { xmppServer: "prosody.jitsi", authPasswordSecretRef: { name: "jvb-xmpp" } }, ...over });
const fleet = (over: Record<string, unknown> = {}): FleetRef => ({ name: "lectures", namespace: "meet", uid: "uid-1", spec: spec(over) });
const envOf = (pod: ReturnType<typeof bridgePod>) => Object.fromEntries(pod.spec.containers[0]!.env.map((e) => [e.name, e.value ?? e.valueFrom]));

describe("bridge pods", () => {
  test("named by ordinal, owned by the fleet, selected by the fleet selector, never restarted in place", () => {
    const pod = bridgePod(fleet(), 3);
    expect(pod.metadata.name).toBe("lectures-3");
    expect(pod.metadata.ownerReferences).toEqual([
      { apiVersion: "meet.meetingfleet.dev/v1alpha1", kind: "MeetingFleet", name: "lectures", uid: "uid-1", controller: true, blockOwnerDeletion: true },
    ]);
    for (const term of fleetSelector("lectures").split(",")) {
      const [key = "", value] = term.split("=");
      expect(pod.metadata.labels[key]).toBe(value);
    }
    expect(pod.spec.restartPolicy).toBe("Never");
  });

  test("the password comes from the Secret, never inline; REST APIs on; the media ConfigMap mounted where the image reads custom-jvb.conf", () => {
    const env = envOf(bridgePod(fleet(), 0));
    expect(env.JVB_AUTH_PASSWORD).toEqual({ secretKeyRef: { name: "jvb-xmpp", key: "password" } });
    expect(JSON.stringify(bridgePod(fleet(), 0))).not.toContain("change-me");
    expect(env).toMatchObject({
      COLIBRI_REST_ENABLED: "true",
      SHUTDOWN_REST_ENABLED: "true",
      XMPP_SERVER: "prosody.jitsi",
      JVB_BREWERY_MUC: "jvbbrewery",
      JVB_PORT: "10000",
    });
    expect(env.POD_IP).toEqual({ fieldRef: { fieldPath: "status.podIP" } });
    // The private node address is never advertised: the media ConfigMap names the public one.
    expect(env).not.toHaveProperty("JVB_ADVERTISE_IPS");
    const pod = bridgePod(fleet(), 0);
    expect(pod.spec.volumes).toEqual([{ name: "media", configMap: { name: "lectures-0-media" } }]);
    expect(pod.spec.containers[0]!.volumeMounts).toEqual([{ name: "media", mountPath: "/config", readOnly: true }]);
  });

  test("HostPort exposure binds the media port on the node; NodePort gets a Service with the ordinal's port", () => {
    const hostPort = bridgePod(fleet(), 0).spec.containers[0]!.ports[0];
    expect(hostPort).toEqual({ name: "media", containerPort: 10000, protocol: "UDP", hostPort: 10000 });
    expect(bridgeService(fleet(), 0, { name: "lectures-0", uid: "p" })).toBeUndefined();

    const np = fleet({ media: { exposure: "NodePort", nodePortRange: { start: 31000, end: 31009 } } });
    const pod = bridgePod(np, 4);
    expect(pod.spec.containers[0]!.ports[0]).not.toHaveProperty("hostPort");
    const service = bridgeService(np, 4, { name: "lectures-4", uid: "pod-uid" })!;
    expect(service.spec).toMatchObject({
      type: "NodePort",
      selector: { "meet.meetingfleet.dev/bridge": "lectures-4" },
      ports: [{ protocol: "UDP", nodePort: 31004, targetPort: 10000 }],
    });
    expect(service.metadata.ownerReferences[0]).toMatchObject({ kind: "Pod", uid: "pod-uid" });
    expect(nodePortFor(np.spec, 10)).toBeUndefined();
  });

  test("region turns Octo on with the bridge's name as relay id; extra env, selectors and tolerations pass through", () => {
    const pod = bridgePod(
      fleet({
        region: "eu-south",
        template: {
          env: [{ name: "JVB_STUN_SERVERS", value: "stun.example:443" }],
          nodeSelector: { media: "yes" },
          tolerations: [{ key: "media", operator: "Exists" }],
        },
      }),
      1,
    );
    expect(envOf(pod)).toMatchObject({
      ENABLE_OCTO: "true",
      JVB_OCTO_REGION: "eu-south",
      JVB_OCTO_RELAY_ID: "lectures-1",
      JVB_STUN_SERVERS: "stun.example:443",
    });
    expect(pod.spec).toMatchObject({ nodeSelector: { media: "yes" }, tolerations: [{ key: "media", operator: "Exists" }] });
  });

  test("the template hash changes with what the bridges run, not with replicas, bounds or the drain deadline", () => {
    const base = templateHash(spec());
    expect(templateHash(spec({ replicas: 7, maxReplicas: 30, drainDeadline: "10m" }))).toBe(base);
    expect(templateHash(spec({ template: { image: "jitsi/jvb:stable-2" } }))).not.toBe(base);
    expect(templateHash(spec({ media: { port: 10001 } }))).not.toBe(base);
    expect(templateHash(spec({ region: "eu" }))).not.toBe(base);
    expect(bridgePod(fleet(), 0).metadata.annotations["meet.meetingfleet.dev/template-hash"]).toBe(base);
  });
});
