import { describe, expect, test } from "@jest/globals";
import type { Pod } from "../../operator/src/kube/types.ts";
import { freePort } from "../support/testbed.ts";
import { jvbDefaults } from "./bridge.ts";
import { ManualClock } from "./clock.ts";
import { PodBridges } from "./pod-bridges.ts";

// An address nothing else uses: a port free on 127.0.0.1 is held by no wildcard listener, so it is free here too.
const ip = "127.201.7.1";

function pod(uid: string, image: string, restartCount = 0): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `jvb-${uid}`, namespace: "ns", uid },
    spec: { restartPolicy: "Always", containers: [{ name: "jvb", image }] },
    status: { phase: "Running", podIP: ip, containerStatuses: [{ name: "jvb", image, ready: true, restartCount }] },
  } as Pod;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe("PodBridges", () => {
  test("a restart and the pod update it causes start one bridge, and a later pod on the same IP is served by its own", async () => {
    const clock = new ManualClock(0);
    const port = await freePort();
    let bridges: PodBridges | undefined;
    const restarted = pod("a", "jitsi/jvb:stable-1", 1);
    const directory = new PodBridges({
      // The watch delivers the pod's new status while the patch is still in flight, as the API server can.
      patchPodStatus: async () => {
        bridges!.upsert(restarted);
        await settle();
      },
      bridgeGone: () => undefined,
      clock,
      port,
      bridgeSettings: jvbDefaults,
      log: { info: () => undefined, warn: () => undefined },
    });
    bridges = directory;
    try {
      directory.upsert(pod("a", "jitsi/jvb:stable-1"));
      await settle();
      directory.list()[0]!.bridge.initiateShutdown(false);
      clock.advance(jvbDefaults.shuttingDownDelayMs);
      await settle();
      await settle();
      expect(directory.list().map((b) => [b.pod, b.restarts])).toEqual([["jvb-a", 1]]);
      expect((await fetch(`http://${ip}:${port}/about/health`)).status).toBe(200);

      // The pod goes; a new one gets its IP (the fake kubelet reuses freed addresses).
      directory.remove(restarted);
      directory.upsert(pod("b", "jitsi/jvb:stable-2"));
      await settle();
      const version = (await (await fetch(`http://${ip}:${port}/about/version`)).json()) as { version: string };
      expect(version.version).toBe("stable-2");
    } finally {
      await directory.close();
    }
  });
});
