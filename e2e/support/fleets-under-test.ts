// What the operator suites read of the fleets they apply in one namespace: the MeetingFleet as stored, its
// bridge pods, the meetings its bridges cut, and its series on the operator's /metrics.

import type { Pod } from "../../operator/src/kube/types.ts";
import { fleetInterruptions } from "./emulator.ts";
import { bridgePodsOf, fleetManifest } from "./fleets.ts";
import type { RunningOperator } from "./operator.ts";
import { apply, kubectl, kubectlJson, type Testbed } from "./testbed.ts";

export interface FleetObject {
  metadata: { name: string; generation: number };
  spec: { replicas: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    drainingReplicas?: number;
    selector?: string;
    participants?: number;
    bridges?: Array<{ name: string; phase: string; participants?: number }>;
    conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
  };
}

export const fleetCondition = (fleet: FleetObject, type: string) => fleet.status?.conditions?.find((c) => c.type === type);

export class FleetsUnderTest {
  private readonly bed: Testbed;
  private readonly namespace: string;
  private readonly operator: RunningOperator;

  constructor(bed: Testbed, namespace: string, operator: RunningOperator) {
    this.bed = bed;
    this.namespace = namespace;
    this.operator = operator;
  }

  manifest(name: string, spec: Record<string, unknown> = {}) {
    return fleetManifest(name, this.namespace, spec);
  }

  get(name: string): Promise<FleetObject> {
    return kubectlJson<FleetObject>(this.bed, ["get", "meetingfleet", name, "-n", this.namespace]);
  }

  /** Applies the fleet and waits for its Ready condition. */
  async ready(name: string, spec: Record<string, unknown> = {}): Promise<FleetObject> {
    await apply(this.bed, this.manifest(name, spec));
    await kubectl(this.bed, ["wait", "--for=condition=Ready", `meetingfleet/${name}`, "-n", this.namespace, "--timeout=60s"]);
    return this.get(name);
  }

  bridgePods(name: string): Promise<Pod[]> {
    return bridgePodsOf(this.bed, this.namespace, name);
  }

  /** The fleet's bridge pods that are not being deleted. */
  async liveBridgePods(name: string): Promise<Pod[]> {
    return (await this.bridgePods(name)).filter((p) => !p.metadata.deletionTimestamp);
  }

  /** Meetings the emulator saw cut on this fleet's bridges. */
  interruptions(name: string) {
    return fleetInterruptions(this.bed, this.namespace, name);
  }

  /** A series of this fleet on the operator's /metrics (set just after the status is written). */
  async metric(name: string, series: string, moreLabels = ""): Promise<string | undefined> {
    return new RegExp(`^${series}\\{namespace="${this.namespace}",fleet="${name}"${moreLabels}\\} (\\S+)$`, "m").exec(await this.operator.metrics())?.[1];
  }
}
