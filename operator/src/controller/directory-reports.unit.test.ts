import { fleetSpecSchema } from "../api/meetingfleet.ts";
import { Directory } from "../directory/directory.ts";
import { fleetReport } from "../directory/fleet-report.ts";
import { type ServedDirectory, serveDirectory } from "../directory/serve.test-helper.ts";
import type { KubeClient } from "../kube/client.ts";
import { createMetrics } from "../runtime/metrics.ts";
import { DirectoryReports } from "./directory-reports.ts";

const regarding = { apiVersion: "meet.meetingfleet.dev/v1alpha1", kind: "MeetingFleet", name: "rome", namespace: "garr", uid: "u1" };
const spec = fleetSpecSchema.parse({
  maxReplicas: 8,
  signaling: { xmppServer: "prosody", authPasswordSecretRef: { name: "jvb" } },
  directory: {
    url: "http://placeholder",
    tokenSecretRef: { name: "directory-token" },
    publicUrl: "https://meet.garr.example",
    displayName: "GARR Roma",
    region: "it-central",
  },
});
const status = {
  readyReplicas: 2,
  participants: 30,
  conferences: 4,
  bridges: [
    { name: "b1", phase: "Ready" as const, stress: "0.4" },
    { name: "b2", phase: "Ready" as const, stress: "0.2" },
    { name: "b3", phase: "Draining" as const, stress: "0.5" },
  ],
};

describe("fleetReport", () => {
  test("a fleet reports its ready bridges' stress, its maxReplicas as capacity, and its public details", () => {
    const withDirectory = { ...spec, directory: spec.directory! };
    const report = fleetReport(withDirectory, status, false);
    expect(report).toMatchObject({ bridgesReady: 2, maxBridges: 8, participants: 30, conferences: 4, draining: false });
    expect(report.stress).toBeCloseTo(0.6);
    expect(report.registration).toEqual({ url: "https://meet.garr.example", displayName: "GARR Roma", region: "it-central" });
    expect(fleetReport(withDirectory, status, true).draining).toBe(true);
    expect(fleetReport({ ...withDirectory, directory: { ...withDirectory.directory, draining: true } }, {}, false)).toMatchObject({
      draining: true,
      bridgesReady: 0,
      stress: 0,
    });
  });
});

describe("DirectoryReports", () => {
  let served: ServedDirectory;
  let directory: Directory;
  let url: string;
  const events: string[] = [];
  const secret = (token: string) => ({ data: { token: Buffer.from(token).toString("base64") } });
  let stored: object | undefined;
  const kube = { get: async () => stored } as unknown as KubeClient;
  const reports = () =>
    new DirectoryReports(
      {
        kube,
        metrics: createMetrics(),
        events: { record: (_r, type, reason, _a, note) => events.push(`${type} ${reason}: ${note}`) },
        log: { warn() {}, info() {} },
      },
      20,
    );

  beforeEach(async () => {
    events.length = 0;
    directory = new Directory();
    served = await serveDirectory(directory, { "garr-rome": "good" }, "t");
    url = served.url;
  });
  afterEach(() => served.close());

  const until = async (what: string, check: () => boolean) => {
    const deadline = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  test("a fleet registers itself with its first report, keeps reporting, and says it takes no rooms when it stops", async () => {
    stored = secret("good\n");
    const r = reports();
    const fleetDirectory = { ...spec.directory!, url };
    r.update("garr/rome", regarding, fleetDirectory, "garr-rome", fleetReport({ ...spec, directory: fleetDirectory }, status, false));
    r.start();
    try {
      await until("the fleet listed as ready", () => directory.list(Date.now())[0]?.state === "ready");
      expect(directory.list(Date.now())[0]).toMatchObject({ name: "garr-rome", displayName: "GARR Roma", participants: 30, bridgesReady: 2 });
      r.stop("garr/rome");
      await until("the fleet listed as draining", () => directory.list(Date.now())[0]?.state === "draining");
      expect(events).toEqual([]);
    } finally {
      r.close();
    }
  });

  test("a wrong token, a missing Secret or a directory that does not answer: one Warning event each, the reason said", async () => {
    stored = secret("wrong");
    const r = reports();
    const fleetDirectory = { ...spec.directory!, url };
    const body = fleetReport({ ...spec, directory: fleetDirectory }, status, false);
    r.update("garr/rome", regarding, fleetDirectory, "garr-rome", body);
    r.start();
    try {
      await until("a refusal", () => events.length > 0);
      await new Promise((resolve) => setTimeout(resolve, 100)); // several more rounds: still one event
      expect(events).toEqual([expect.stringMatching(/^Warning DirectoryReportFailed: the directory refused the report \(401\)/)]);
      stored = undefined;
      r.update("garr/rome", regarding, { ...fleetDirectory, tokenSecretRef: { name: "other", key: "token" } }, "garr-rome", body);
      await until("a missing Secret", () => events.length > 1);
      expect(events[1]).toMatch(/Secret garr\/other \(spec.directory.tokenSecretRef\) does not exist/);
      stored = secret("good");
      r.update("garr/rome", regarding, { ...fleetDirectory, url: "http://127.0.0.1:1" }, "garr-rome", body);
      await until("no answer", () => events.length > 2);
      expect(events[2]).toMatch(/the directory at http:\/\/127.0.0.1:1 did not answer/);
      expect(directory.list(Date.now())).toEqual([]);
    } finally {
      r.close();
    }
  });
});
