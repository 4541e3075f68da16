import { parse } from "yaml";
import { cloudInit, mediaTaint } from "./cloud-init.ts";
import { firewallPolicy } from "./firewall.ts";

describe("cloud-init", () => {
  test("the server gets the CA files before k3s starts and the public address as a TLS SAN", () => {
    const text = cloudInit({
      role: "server",
      k3sVersion: "v1.35.4+k3s1",
      token: "t0k",
      privateIp: "10.20.0.10",
      publicIp: "203.0.113.7",
      ca: { serverCert: "SC", serverKey: "SK", clientCert: "CC", clientKey: "CK" },
    });
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    const doc = parse(text) as { write_files: Array<{ path: string; content: string; permissions: string }>; runcmd: string[] };
    expect(doc.write_files.map((f) => f.path)).toEqual([
      "/var/lib/rancher/k3s/server/tls/server-ca.crt",
      "/var/lib/rancher/k3s/server/tls/server-ca.key",
      "/var/lib/rancher/k3s/server/tls/client-ca.crt",
      "/var/lib/rancher/k3s/server/tls/client-ca.key",
      "/etc/rancher/k3s/config.yaml",
    ]);
    expect(doc.write_files.find((f) => f.path.endsWith("server-ca.key"))?.permissions).toBe("0600");
    expect(parse(doc.write_files.at(-1)!.content)).toMatchObject({ "tls-san": ["203.0.113.7", "10.20.0.10"], "node-ip": "10.20.0.10" });
    expect(doc.runcmd[0]).toContain("INSTALL_K3S_VERSION=v1.35.4+k3s1 K3S_TOKEN=t0k sh -s - server");
  });

  test("media agents are labelled, tainted and announce their public address; other agents are not", () => {
    const config = (media: boolean, publicIp?: string) =>
      parse(
        (
          parse(cloudInit({ role: "agent", k3sVersion: "v1.35.4+k3s1", token: "t", serverIp: "10.20.0.10", media, ...(publicIp ? { publicIp } : {}) })) as {
            write_files: Array<{ content: string }>;
          }
        ).write_files[0]!.content,
      );
    expect(config(true, "203.0.113.9")).toEqual({
      server: "https://10.20.0.10:6443",
      "node-external-ip": "203.0.113.9",
      "node-label": ["meet.meetingfleet.dev/media=true"],
      "node-taint": [mediaTaint],
    });
    expect(config(false)).toEqual({ server: "https://10.20.0.10:6443" });
  });

  test("an autoscaled media agent reads its public address at boot, before k3s starts, into the same config", () => {
    const url = "http://169.254.169.254/hetzner/v1/metadata/public-ipv4";
    const doc = parse(
      cloudInit({ role: "agent", k3sVersion: "v1.35.4+k3s1", token: "t", serverIp: "10.20.0.10", media: true, publicIp: { metadataUrl: url } }),
    ) as {
      write_files: Array<{ content: string }>;
      runcmd: string[];
    };
    expect(parse(doc.write_files[0]!.content)).not.toHaveProperty("node-external-ip");
    expect(doc.runcmd).toEqual([
      `echo "node-external-ip: $(curl -sf --retry 10 ${url})" >> /etc/rancher/k3s/config.yaml`,
      expect.stringContaining("sh -s - agent"),
    ]);
  });
});

describe("firewall policy", () => {
  test("the world reaches media UDP, 80 and 443; only the admins reach SSH and the API", () => {
    const rules = firewallPolicy({ adminCidr: "192.0.2.0/24", mediaPorts: { start: 10000, end: 10100 } });
    expect(
      rules
        .filter((r) => r.from === "0.0.0.0/0")
        .map((r) => `${r.protocol}/${r.portMin}-${r.portMax}`)
        .sort(),
    ).toEqual(["tcp/443-443", "tcp/80-80", "udp/10000-10100"]);
    expect(
      rules
        .filter((r) => r.from === "192.0.2.0/24")
        .map((r) => r.portMin)
        .sort(),
    ).toEqual([22, 6443]);
    expect(() => firewallPolicy({ adminCidr: "0.0.0.0/0", mediaPorts: { start: 10000, end: 10000 } })).toThrow(/whole Internet/);
  });
});
