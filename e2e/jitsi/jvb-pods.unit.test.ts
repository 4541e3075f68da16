import type { Pod } from "../../operator/src/kube/types.ts";
import { mountedConfig } from "./jvb-pods.ts";
import { imageEnv, testBedOverlay } from "./jvb-process.ts";

const withVolume = (optional?: boolean): Pod => ({
  metadata: { name: "lectures-0", namespace: "meet", uid: "u" },
  spec: {
    containers: [{ name: "jvb", volumeMounts: [{ name: "media", mountPath: "/config" }] }],
    volumes: [{ name: "media", configMap: { name: "lectures-0-media", ...(optional === undefined ? {} : { optional }) } }],
  },
});

describe("the real-JVB runner as a kubelet", () => {
  test("the ConfigMap mounted at /config becomes the bridge's config files; a missing one holds the start unless optional", async () => {
    const maps = async (namespace: string, name: string) => (namespace === "meet" && name === "lectures-0-media" ? { "custom-jvb.conf": "x = 1" } : undefined);
    expect(await mountedConfig(withVolume(), maps)).toEqual({ "custom-jvb.conf": "x = 1" });
    const none = async () => undefined;
    expect(await mountedConfig(withVolume(), none)).toBeUndefined();
    expect(await mountedConfig(withVolume(true), none)).toEqual({});
    expect(await mountedConfig({ metadata: { name: "p", uid: "u" }, spec: { containers: [{ name: "jvb" }] } }, none)).toEqual({});
  });

  test("the image's derived environment and the test-bed overlay: the pod's own address, no STUN, no SCTP", () => {
    expect(imageEnv({ JVB_PORT: "10000" }, { name: "lectures-0", ip: "127.20.0.4" })).toEqual({
      JVB_PORT: "10000",
      HOSTNAME: "lectures-0",
      LOCAL_ADDRESS: "127.20.0.4",
      JVB_INSTANCE_ID: "lectures-0",
    });
    const overlay = testBedOverlay("127.20.0.4", { statsInterval: "1 second", shuttingDownDelay: "2 seconds", heap: "384m" });
    expect(overlay).toContain('videobridge.http-servers.private.host = "127.20.0.4"');
    expect(overlay).toContain('ice4j.harvest.allowed-addresses = [ "127.20.0.4" ]');
    expect(overlay).toContain("ice4j.harvest.mapping.stun.enabled = false");
    expect(overlay).toContain("videobridge.sctp.enabled = false");
  });
});
