import type { Pod } from "../../operator/src/kube/types.ts";
import { containerEnv, expand } from "./container-env.ts";

const pod: Pod = {
  metadata: { name: "lectures-0", namespace: "meet", uid: "u" },
  spec: { nodeName: "node-1", containers: [{ name: "jvb" }] },
  status: { podIP: "127.20.0.4", hostIP: "127.20.200.1" },
};
const secrets = async (namespace: string, name: string, key: string) =>
  namespace === "meet" && name === "jvb-xmpp" && key === "password" ? "s3cret" : undefined;

describe("a container's environment as a kubelet gives it", () => {
  test("$(VAR) of an earlier variable expands, $$ escapes, unknown references stay as written", () => {
    expect(expand("$(A)#$(B)", { A: "1.2.3.4", B: "31000" })).toBe("1.2.3.4#31000");
    expect(expand("$$(A) $(MISSING)", { A: "x" })).toBe("$(A) $(MISSING)");
  });

  test("downward API fields, Secret keys, and literals that refer to them", async () => {
    const env = await containerEnv(
      pod,
      [
        { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
        { name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
        { name: "JVB_AUTH_PASSWORD", valueFrom: { secretKeyRef: { name: "jvb-xmpp", key: "password" } } },
        { name: "ADVERTISE", value: "$(HOST_IP)#10000" },
        { name: "LATER", value: "$(NOT_YET)" },
        { name: "NOT_YET", value: "x" },
      ],
      secrets,
    );
    expect(env).toEqual({
      POD_IP: "127.20.0.4",
      HOST_IP: "127.20.200.1",
      JVB_AUTH_PASSWORD: "s3cret",
      ADVERTISE: "127.20.200.1#10000",
      LATER: "$(NOT_YET)",
      NOT_YET: "x",
    });
  });

  test("a missing Secret stops the container from starting, unless it is optional", async () => {
    await expect(containerEnv(pod, [{ name: "P", valueFrom: { secretKeyRef: { name: "gone", key: "password" } } }], secrets)).rejects.toThrow(/secret "gone"/);
    expect(await containerEnv(pod, [{ name: "P", valueFrom: { secretKeyRef: { name: "gone", key: "password", optional: true } } }], secrets)).toEqual({});
  });
});
