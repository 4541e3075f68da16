// What a kubelet writes into a pod's status when its one container exits: under restartPolicy Always the
// container restarts in place (restartCount + 1), otherwise the pod ends Succeeded (exit code 0) or Failed.
// Pure; shared by the test bed's stand-in kubelets (the bridge emulator and the real-JVB runner).

import type { Pod } from "../../operator/src/kube/types.ts";

export interface ContainerExit {
  exitCode: number;
  startedAt: string;
  finishedAt: string;
  restarts: number;
}

export function restartsInPlace(pod: Pod): boolean {
  return (pod.spec?.restartPolicy ?? "Always") === "Always";
}

export function exitedStatus(pod: Pod, exit: ContainerExit): Record<string, unknown> {
  const container = pod.spec?.containers[0];
  const terminated = {
    exitCode: exit.exitCode,
    reason: exit.exitCode === 0 ? "Completed" : "Error",
    startedAt: exit.startedAt,
    finishedAt: exit.finishedAt,
  };
  const containerStatus = (ready: boolean, restartCount: number, state: object, lastState?: object) => ({
    name: container?.name ?? "jvb",
    image: container?.image ?? "",
    imageID: "",
    ready,
    started: ready,
    restartCount,
    state,
    ...(lastState ? { lastState } : {}),
  });
  const now = exit.finishedAt;
  if (restartsInPlace(pod)) {
    return { containerStatuses: [containerStatus(true, exit.restarts + 1, { running: { startedAt: now } }, { terminated })] };
  }
  return {
    phase: exit.exitCode === 0 ? "Succeeded" : "Failed",
    conditions: [
      { type: "PodScheduled", status: "True", lastTransitionTime: now },
      { type: "Initialized", status: "True", lastTransitionTime: now },
      { type: "ContainersReady", status: "False", reason: "PodCompleted", lastTransitionTime: now },
      { type: "Ready", status: "False", reason: "PodCompleted", lastTransitionTime: now },
    ],
    containerStatuses: [containerStatus(false, exit.restarts, { terminated })],
  };
}
