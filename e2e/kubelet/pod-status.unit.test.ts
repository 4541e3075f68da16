import type { Pod } from "../../operator/src/kube/types.ts";
import { exitedStatus } from "./pod-status.ts";

const pod = (restartPolicy: "Always" | "Never"): Pod => ({
  metadata: { name: "b", uid: "u" },
  spec: { restartPolicy, containers: [{ name: "jvb", image: "jitsi/jvb:stable" }] },
});
const exit = (exitCode: number) => ({ exitCode, startedAt: "2026-12-04T10:00:00.000Z", finishedAt: "2026-12-04T10:05:00.000Z", restarts: 2 });

describe("what a kubelet records when the container exits", () => {
  test("restartPolicy Never: Succeeded on exit code 0, Failed otherwise, not Ready, the exit in the container state", () => {
    const ok = exitedStatus(pod("Never"), exit(0)) as {
      phase: string;
      containerStatuses: Array<{ state: { terminated: { exitCode: number; reason: string } }; restartCount: number }>;
      conditions: Array<{ type: string; status: string }>;
    };
    expect(ok.phase).toBe("Succeeded");
    expect(ok.containerStatuses[0]!.state.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    expect(ok.conditions.find((c) => c.type === "Ready")?.status).toBe("False");
    const failed = exitedStatus(pod("Never"), exit(143)) as typeof ok;
    expect(failed.phase).toBe("Failed");
    expect(failed.containerStatuses[0]!.state.terminated).toMatchObject({ exitCode: 143, reason: "Error" });
    expect(failed.containerStatuses[0]!.restartCount).toBe(2);
  });

  test("restartPolicy Always: restarted in place, one more restart, the exit as the last state", () => {
    const status = exitedStatus(pod("Always"), exit(0)) as {
      phase?: string;
      containerStatuses: Array<{ restartCount: number; state: object; lastState: { terminated: object } }>;
    };
    expect(status.phase).toBeUndefined();
    expect(status.containerStatuses[0]!.restartCount).toBe(3);
    expect(status.containerStatuses[0]!.state).toHaveProperty("running");
    expect(status.containerStatuses[0]!.lastState.terminated).toMatchObject({ exitCode: 0 });
  });
});
