import fc from "fast-check";
import { fleetSpecSchema } from "../api/meetingfleet.ts";
import type { FleetRef } from "./bridge-pod.ts";
import { advertisedAddress, mediaConfig, mediaConfigMap } from "./media-config.ts";

const fleet = (media: Record<string, unknown> = {}): FleetRef => ({
  name: "lectures",
  namespace: "meet",
  uid: "uid-1",
  spec: fleetSpecSchema.parse({ signaling: { xmppServer: "prosody", authPasswordSecretRef: { name: "s" } }, media }),
});

describe("the address a bridge advertises", () => {
  test("the node's ExternalIP when it has one, else its InternalIP, never its host name", () => {
    expect(
      advertisedAddress([
        { type: "InternalIP", address: "10.0.0.5" },
        { type: "ExternalIP", address: "203.0.113.7" },
        { type: "Hostname", address: "n1" },
      ]),
    ).toBe("203.0.113.7");
    expect(
      advertisedAddress([
        { type: "Hostname", address: "n1" },
        { type: "InternalIP", address: "10.0.0.5" },
      ]),
    ).toBe("10.0.0.5");
    expect(advertisedAddress([{ type: "Hostname", address: "n1" }])).toBeUndefined();
  });

  test("any address list: an ExternalIP wins whatever the order, and the answer is one of the node's addresses", () => {
    const address = fc.record({ type: fc.constantFrom("InternalIP", "ExternalIP", "Hostname", "InternalDNS"), address: fc.ipV4() });
    fc.assert(
      fc.property(fc.array(address, { maxLength: 6 }), (addresses) => {
        const chosen = advertisedAddress(addresses);
        const external = addresses.find((a) => a.type === "ExternalIP");
        if (external) expect(chosen).toBe(external.address);
        if (chosen !== undefined) expect(addresses.some((a) => a.address === chosen && a.type !== "Hostname" && a.type !== "InternalDNS")).toBe(true);
        else expect(addresses.every((a) => a.type !== "ExternalIP" && a.type !== "InternalIP")).toBe(true);
      }),
    );
  });

  test("HostPort: the node's address at the media port, mapped from the pod's own address", () => {
    const conf = mediaConfig(fleet().spec, 2, "203.0.113.7");
    expect(conf).toContain("ice4j.harvest.mapping.static-mappings = [");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a HOCON substitution, meant literally
    expect(conf).toContain('local-address = ${POD_IP}, local-port = 10000, public-address = "203.0.113.7", public-port = 10000');
  });

  test("NodePort: the node's address at the bridge's own node port", () => {
    const conf = mediaConfig(fleet({ exposure: "NodePort", nodePortRange: { start: 31000, end: 31009 } }).spec, 4, "203.0.113.7");
    expect(conf).toContain('public-address = "203.0.113.7", public-port = 31004');
  });

  test("the ConfigMap is named for the bridge, owned by its pod, labelled as the operator's", () => {
    const cm = mediaConfigMap(fleet(), 0, { name: "lectures-0", uid: "pod-uid" }, "203.0.113.7");
    expect(cm.metadata.name).toBe("lectures-0-media");
    expect(cm.metadata.ownerReferences).toEqual([
      { apiVersion: "v1", kind: "Pod", name: "lectures-0", uid: "pod-uid", controller: true, blockOwnerDeletion: true },
    ]);
    expect(cm.metadata.labels).toMatchObject({ "app.kubernetes.io/managed-by": "meetingfleet-operator", "meet.meetingfleet.dev/bridge": "lectures-0" });
    expect(Object.keys(cm.data)).toEqual(["custom-jvb.conf"]);
  });
});
