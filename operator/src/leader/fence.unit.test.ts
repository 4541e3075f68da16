import type { JvbClient } from "../bridges/jvb-client.ts";
import type { KubeClient } from "../kube/client.ts";
import { fencedJvb, fencedKube, NotLeadingError } from "./fence.ts";

/** Clients that record what reached them. */
function recording() {
  const sent: string[] = [];
  const kube = {
    server: "test",
    source: () => {
      throw new Error("not used");
    },
    get: async (path: string) => void sent.push(`GET ${path}`),
    create: async (collection: string) => void sent.push(`POST ${collection}`),
    replace: async (path: string) => void sent.push(`PUT ${path}`),
    patch: async (path: string) => void sent.push(`PATCH ${path}`),
    delete: async (path: string) => void sent.push(`DELETE ${path}`),
  } as unknown as KubeClient;
  const jvb: JvbClient = {
    figures: async (ip) => {
      sent.push(`stats ${ip}`);
      return { participants: 0, conferences: 0, stress: 0, drain: false, shuttingDown: false };
    },
    setDrain: async (ip, on) => void sent.push(`drain ${on} ${ip}`),
    shutdown: async (ip) => void sent.push(`shutdown ${ip}`),
  };
  return { sent, kube, jvb };
}

async function everyCall(kube: KubeClient, jvb: JvbClient): Promise<unknown[]> {
  const calls = [
    kube.get("/p"),
    kube.create("/c", {}, "m"),
    kube.replace("/p", {}, "m"),
    kube.patch("/p", {}, "m"),
    kube.delete("/p"),
    jvb.figures("127.0.0.1"),
    jvb.setDrain("127.0.0.1", true),
    jvb.shutdown("127.0.0.1", false),
  ];
  return (await Promise.allSettled(calls)).map((r) => (r.status === "rejected" ? r.reason : "ok"));
}

describe("fence", () => {
  test("while leading, every call goes through", async () => {
    const { sent, kube, jvb } = recording();
    expect(
      await everyCall(
        fencedKube(kube, () => true),
        fencedJvb(jvb, () => true),
      ),
    ).toEqual(Array(8).fill("ok"));
    expect(sent).toHaveLength(8);
  });

  test("once the lease is lost, only reads go out; every write is refused, named", async () => {
    const { sent, kube, jvb } = recording();
    const outcomes = await everyCall(
      fencedKube(kube, () => false),
      fencedJvb(jvb, () => false),
    );
    expect(sent).toEqual(["GET /p", "stats 127.0.0.1"]);
    expect(outcomes.filter((o) => o instanceof NotLeadingError).map((e) => (e as Error).message.split(":")[0])).toEqual([
      "POST /c",
      "PUT /p",
      "PATCH /p",
      "DELETE /p",
      "drain true 127.0.0.1",
      "shutdown 127.0.0.1",
    ]);
  });
});
