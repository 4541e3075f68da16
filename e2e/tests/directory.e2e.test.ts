// The directory with fleets on the test bed: three MeetingFleets in three namespaces register themselves
// through the operator; a fourth deployment, a plain server's stand-in, is polled by the directory. One fleet is
// drained, one stops reporting; /join sends rooms where they belong; a burst of 1,000 new rooms spreads
// over the healthy deployments in proportion to their free capacity; a restarted directory lists them
// all again from their next reports.

import http from "node:http";
import type { AddressInfo } from "node:net";
import { jest } from "@jest/globals";
import { type DirectoryOnBed, directoryOnBed } from "../support/directory.ts";
import { createFleetNamespace, fleetManifest } from "../support/fleets.ts";
import { installCrd, type RunningOperator, startOperator } from "../support/operator.ts";
import { apply, deleteNamespace, eventually, freePort, kubectl, testbed, withEmulator } from "../support/testbed.ts";

jest.setTimeout(180_000);
const bed = testbed();
const local = bed.cluster === "local" ? withEmulator(bed) : describe.skip;

interface Listed {
  name: string;
  state: string;
  displayName: string;
  bridgesReady: number;
  maxBridges: number;
}

// Fleet "open" keeps taking rooms, "drained" is drained, "silent" stops reporting; "plain" stands in for a
// Jitsi server without Kubernetes: twenty idle bridges whose /colibri/stats the directory reads. Free
// capacity: open 40 x 0.8, plain 20 x 0.8: a 2:1 split of new rooms, and room for every room the tests
// send within a minute (a room counts as 0.02 of a bridge until the stats can show it).
const fleets = [
  // Its own node ports above fleetManifest's blocks: 40 bridges need 40 of them.
  { role: "open", maxReplicas: 40, media: { exposure: "NodePort", nodePortRange: { start: 32720, end: 32767 } } },
  { role: "drained", maxReplicas: 8 },
  { role: "silent", maxReplicas: 8 },
] as const;

local("directory: fleets register themselves and /join sends each room where it belongs", () => {
  const namespaces = new Map<string, string>();
  let operator: RunningOperator | undefined;
  let directory: DirectoryOnBed | undefined;
  let plainServer: http.Server | undefined;
  let base = "";
  const listed = async () => ((await (await fetch(`${base}/api/v1/deployments`)).json()) as { deployments: Listed[] }).deployments;
  const stateOf = async (name: string) => (await listed()).find((d) => d.name === name)?.state;
  const join = async (room: string) => {
    const response = await fetch(`${base}/join/${room}`, { redirect: "manual" });
    return response.status === 302 ? new URL(response.headers.get("location")!).host : `status ${response.status}`;
  };
  const fleetName = (role: string) => `${namespaces.get(role)}-${role}`;
  const hostOf = (role: string) => `${role}.meet.example`;

  beforeAll(async () => {
    await installCrd(bed);
    for (const f of fleets) namespaces.set(f.role, await createFleetNamespace(bed, `directory-${f.role}`));
    plainServer = http.createServer((_, res) => res.end(JSON.stringify({ stress_level: 0, conferences: 0, local_endpoints: 0, drain: false })));
    await new Promise<void>((resolve) => plainServer!.listen(0, "127.0.0.1", resolve));
    const plainStats = `http://127.0.0.1:${(plainServer.address() as AddressInfo).port}`;
    const admitted = [
      ...fleets.map((f) => ({ name: fleetName(f.role), token: `token-${f.role}` })),
      {
        name: "plain",
        url: `https://${hostOf("plain")}`,
        displayName: "A plain server",
        region: "it-south",
        stats: { format: "colibri" as const, urls: Array.from({ length: 20 }, (_, i) => `${plainStats}/bridge-${i}/colibri/stats`) },
      },
    ];
    directory = directoryOnBed(bed, await freePort(), admitted, ["--stale-after", "4s", "--out-after", "12s", "--poll-interval", "1s"]);
    base = directory.base;
    await directory.start();
    for (const f of fleets) {
      const namespace = namespaces.get(f.role)!;
      await apply(bed, { apiVersion: "v1", kind: "Secret", metadata: { name: "directory-token", namespace }, stringData: { token: `token-${f.role}` } });
      await apply(
        bed,
        fleetManifest(f.role, namespace, {
          replicas: 1,
          maxReplicas: f.maxReplicas,
          ...("media" in f ? { media: f.media } : {}),
          directory: {
            url: base,
            tokenSecretRef: { name: "directory-token" },
            publicUrl: `https://${hostOf(f.role)}`,
            displayName: `Fleet ${f.role}`,
            region: "it-north",
          },
        }),
      );
    }
    operator = await startOperator(bed, "directory-operator", [...namespaces.values()], { extraArgs: ["--directory-report-interval", "1s"] });
  });

  afterAll(async () => {
    plainServer?.closeAllConnections();
    await new Promise((resolve) => plainServer?.close(resolve));
    await operator?.stop();
    await directory?.stop();
    for (const namespace of namespaces.values()) await deleteNamespace(bed, namespace);
  });

  test("every fleet registers itself through the operator and is listed ready, beside the plain server", async () => {
    await eventually(
      "all four deployments ready",
      async () => {
        const all = await listed();
        return all.length === 4 && all.every((d) => d.state === "ready" && d.bridgesReady >= 1);
      },
      90_000,
    );
    expect((await listed()).find((d) => d.name === fleetName("open"))).toMatchObject({ displayName: "Fleet open", maxBridges: 40 });
    // The plain server as read from its twenty bridges' stats.
    expect((await listed()).find((d) => d.name === "plain")).toMatchObject({ displayName: "A plain server", bridgesReady: 20, maxBridges: 20 });
    // The page lists them too, and the room box needs no script.
    const page = await (await fetch(base)).text();
    for (const f of fleets) expect(page).toContain(`Fleet ${f.role}`);
    expect(page).toContain('<form action="/join" method="get">');
  });

  test("a drained fleet keeps its meetings' late joiners and gets no new rooms; a silent one goes stale and its rooms move", async () => {
    // Rooms on every deployment before anything changes.
    const before = new Map<string, string>();
    for (let i = 0; before.size < 200 && i < 2000; i++) before.set(`before-${i}`, await join(`before-${i}`));
    const onDrained = [...before].find(([, host]) => host === hostOf("drained"))?.[0];
    const onSilent = [...before].find(([, host]) => host === hostOf("silent"))?.[0];
    expect(onDrained).toBeDefined();
    expect(onSilent).toBeDefined();

    await kubectl(bed, [
      "patch",
      "meetingfleet",
      "drained",
      "-n",
      namespaces.get("drained")!,
      "--type=merge",
      "-p",
      '{"spec":{"directory":{"draining":true}}}',
    ]);
    // A fleet whose operator can no longer read its token stops reporting: as if its cluster went away.
    await kubectl(bed, ["delete", "secret", "directory-token", "-n", namespaces.get("silent")!]);
    await kubectl(bed, [
      "patch",
      "meetingfleet",
      "silent",
      "-n",
      namespaces.get("silent")!,
      "--type=merge",
      "-p",
      '{"spec":{"directory":{"tokenSecretRef":{"name":"gone"}}}}',
    ]);
    await eventually("the drained fleet listed as draining", async () => (await stateOf(fleetName("drained"))) === "draining", 30_000);
    await eventually("the silent fleet listed as stale", async () => (await stateOf(fleetName("silent"))) === "stale", 30_000);
    // Its SREs are told why, on the fleet: a Warning Event naming the missing Secret.
    await eventually(
      "a DirectoryReportFailed Event on the silent fleet",
      async () =>
        (
          await kubectl(bed, [
            "get",
            "events.events.k8s.io",
            "-n",
            namespaces.get("silent")!,
            "--field-selector",
            "reason=DirectoryReportFailed,type=Warning",
            "-o",
            "jsonpath={.items[*].note}",
          ])
        ).includes("gone"),
      30_000,
    );

    expect(await join(onDrained!)).toBe(hostOf("drained"));
    const moved = await join(onSilent!);
    expect([hostOf("open"), hostOf("plain")]).toContain(moved);
    for (let i = 0; i < 100; i++) expect([hostOf("open"), hostOf("plain")]).toContain(await join(`after-${i}`));
    await eventually("the silent fleet listed as out", async () => (await stateOf(fleetName("silent"))) === "out", 30_000);
  });

  test("a burst of 1,000 new rooms in a few seconds spreads over the healthy deployments by free capacity", async () => {
    const hosts = new Map<string, number>();
    const started = performance.now();
    const rooms = Array.from({ length: 1000 }, (_, i) => `burst-${i}`);
    for (let i = 0; i < rooms.length; i += 50) {
      const chosen = await Promise.all(rooms.slice(i, i + 50).map(join));
      for (const host of chosen) hosts.set(host, (hosts.get(host) ?? 0) + 1);
    }
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeLessThan(30);
    expect([...hosts.keys()].sort()).toEqual([hostOf("open"), hostOf("plain")].sort());
    // Free capacity 32 and 16 bridges' worth: two thirds to the open fleet, within the bound of 1.1x its share.
    const openShare = hosts.get(hostOf("open"))! / 1000;
    expect(openShare).toBeGreaterThan(0.6);
    expect(openShare).toBeLessThan((2 / 3) * 1.1 + 0.001);
  });

  test("a restarted directory lists every deployment again from their next reports", async () => {
    const statesBefore = new Map((await listed()).map((d) => [d.name, d.state]));
    await directory!.stop();
    await directory!.start();
    await eventually(
      "the fleets and the plain server listed again as before",
      async () => {
        const all = await listed();
        return [fleetName("open"), fleetName("drained"), "plain"].every((name) => all.find((d) => d.name === name)?.state === statesBefore.get(name));
      },
      30_000,
    );
    expect(await join("after-restart")).toMatch(/^(open|plain)\.meet\.example$/);
  });
});
