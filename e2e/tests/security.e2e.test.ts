// The bridges' XMPP password never leaves its Secret: a whole lifecycle (up, scale-down by drain, a rolling
// template change, the Secret gone and back, deletion) runs with a marker password, and every output of the
// operator is searched for it: its log, its Events, the fleet's status, its metrics, the pods and ConfigMaps
// it wrote.

import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { jest } from "@jest/globals";
import { fleetManifest } from "../support/fleets.ts";
import { installCrd, type RunningOperator, startOperator } from "../support/operator.ts";
import { apply, createNamespace, deleteNamespace, eventually, kubectl, testbed, withEmulator } from "../support/testbed.ts";

jest.setTimeout(240_000);
const bed = testbed();
let namespace: string;
let operator: RunningOperator;
const marker = `MARKER-${randomUUID()}`;

withEmulator(bed)("the bridges' password", () => {
  beforeAll(async () => {
    await installCrd(bed);
    namespace = await createNamespace(bed, "e2e-secrets");
    operator = await startOperator(bed, "operator-secrets", [namespace]);
  });
  afterAll(async () => {
    await operator?.stop();
    await deleteNamespace(bed, namespace);
  });

  const podCount = async () => (await kubectl(bed, ["get", "pods", "-n", namespace, "-o", "name"])).trim().split("\n").filter(Boolean).length;

  test("no output of the operator carries the password: log, Events, status, metrics, pods, ConfigMaps", async () => {
    const outputs: Record<string, string> = {};
    await kubectl(bed, ["create", "secret", "generic", "jvb-xmpp", "-n", namespace, `--from-literal=password=${marker}`]);
    await apply(bed, fleetManifest("secrets", namespace, { replicas: 3, drainDeadline: "1m" }));
    await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/secrets", "-n", namespace, "--timeout=180s"]);
    outputs.pods = await kubectl(bed, ["get", "pods", "-n", namespace, "-o", "json"]);
    outputs.configMaps = await kubectl(bed, ["get", "configmaps", "-n", namespace, "-o", "json"]);

    await kubectl(bed, ["scale", "meetingfleet/secrets", "-n", namespace, "--replicas=1"]);
    await eventually("one bridge left", async () => (await podCount()) === 1, 120_000);
    const hashes = () =>
      kubectl(bed, ["get", "pods", "-n", namespace, "-o", "jsonpath={.items[*].metadata.annotations.meet\\.meetingfleet\\.dev/template-hash}"]);
    const before = (await hashes()).trim();
    await apply(bed, fleetManifest("secrets", namespace, { replicas: 1, drainDeadline: "1m", template: { env: [{ name: "JVB_ROLL", value: "1" }] } }));
    await eventually(
      "the fleet rolled to one new bridge",
      async () => {
        const now = (await hashes()).trim().split(" ");
        return now.length === 1 && now[0] !== before;
      },
      120_000,
    );

    // Without the Secret the fleet stalls, naming the Secret (never its value); with it back, it goes on.
    await kubectl(bed, ["delete", "secret", "jvb-xmpp", "-n", namespace]);
    await kubectl(bed, ["scale", "meetingfleet/secrets", "-n", namespace, "--replicas=2"]);
    await kubectl(bed, ["wait", "--for=condition=Stalled", "meetingfleet/secrets", "-n", namespace, "--timeout=120s"]);
    outputs.stalledStatus = await kubectl(bed, ["get", "meetingfleet/secrets", "-n", namespace, "-o", "json"]);
    expect(outputs.stalledStatus).toContain("SecretNotFound");
    await kubectl(bed, ["create", "secret", "generic", "jvb-xmpp", "-n", namespace, `--from-literal=password=${marker}`]);
    await kubectl(bed, ["wait", "--for=condition=Ready", "meetingfleet/secrets", "-n", namespace, "--timeout=180s"]);

    outputs.status = await kubectl(bed, ["get", "meetingfleet/secrets", "-n", namespace, "-o", "json"]);
    outputs.events = await kubectl(bed, ["get", "events.events.k8s.io", "-n", namespace, "-o", "json"]);
    outputs.metrics = await operator.metrics();
    outputs.podsAfter = await kubectl(bed, ["get", "pods", "-n", namespace, "-o", "json"]);
    await kubectl(bed, ["delete", "meetingfleet/secrets", "-n", namespace, "--wait=true", "--timeout=120s"]);
    outputs.log = readFileSync(operator.logFile, "utf8");

    // The searches can fail: the lifecycle did produce each output, and the marker is where it belongs.
    expect(outputs.events).toContain("DrainBridge");
    expect(outputs.log).toContain("Reconciled fleet");
    expect(outputs.pods).toContain('"secretKeyRef"');
    expect(await kubectl(bed, ["get", "secret", "jvb-xmpp", "-n", namespace, "-o", "jsonpath={.data.password}"])).toBe(Buffer.from(marker).toString("base64"));
    for (const [what, text] of Object.entries(outputs)) {
      expect({ what, leaks: text.includes(marker) || text.includes(Buffer.from(marker).toString("base64")) }).toEqual({ what, leaks: false });
    }
  });
});
