import * as pulumi from "@pulumi/pulumi";
import { mockPulumi, ofType, outputValue, type Registered, reveal, settle } from "../testing/mocks.ts";
import type { ClusterArgs } from "./args.ts";
import { mediaTaint } from "./cloud-init.ts";
import { HetznerCluster } from "./hetzner.ts";
import { OpenStackCluster } from "./openstack.ts";

const registered: Registered[] = mockPulumi();

const base: ClusterArgs = {
  adminCidr: "192.0.2.0/24",
  sshPublicKey: "ssh-ed25519 AAAA admin@example.org",
  k3sVersion: "v1.35.4+k3s1",
  image: "ubuntu-24.04",
  controlPlane: { flavor: "cp-flavor" },
  workers: { count: 2, flavor: "worker-flavor" },
  media: { count: 3, flavor: "media-flavor" },
  mediaPorts: { start: 10000, end: 10000 },
};

const since = (mark: number) => registered.slice(mark);
/** cloud-init of a VM: it must travel as a secret (k3s token, CA keys). */
const userData = (r: Registered) => {
  const { secret, value } = reveal(r.inputs.userData);
  expect(secret).toBe(true);
  return String(value);
};

describe("OpenStack cluster", () => {
  let created: Registered[];
  let cluster: OpenStackCluster;
  beforeAll(async () => {
    const mark = registered.length;
    cluster = new OpenStackCluster("garr", { ...base, externalNetworkName: "floating-ip", externalNetworkId: "ext-net" });
    await outputValue(cluster.kubeconfig);
    await settle();
    created = since(mark);
  });

  test("creates network, router, security groups, a spread server group, and one VM per configured node", () => {
    const count = (type: string) => ofType(created, type).length;
    expect(count("openstack:networking/network:Network")).toBe(1);
    expect(count("openstack:networking/router:Router")).toBe(1);
    expect(count("openstack:networking/routerInterface:RouterInterface")).toBe(1);
    expect(count("openstack:networking/secGroup:SecGroup")).toBe(2);
    expect(ofType(created, "openstack:compute/serverGroup:ServerGroup")[0]?.inputs.policies).toEqual(["soft-anti-affinity"]);
    const vms = ofType(created, "openstack:compute/instance:Instance");
    expect(vms.map((v) => v.inputs.flavorName).sort()).toEqual(["cp-flavor", "media-flavor", "media-flavor", "media-flavor", "worker-flavor", "worker-flavor"]);
  });

  test("no security group rule opens SSH or the Kubernetes API to 0.0.0.0/0; media UDP and 443 are open to the world", () => {
    const rules = ofType(created, "openstack:networking/secGroupRule:SecGroupRule").map((r) => r.inputs);
    const opensToWorld = (port: number) =>
      rules.some((r) => r.remoteIpPrefix === "0.0.0.0/0" && (r.portRangeMin as number) <= port && port <= (r.portRangeMax as number));
    expect(opensToWorld(22)).toBe(false);
    expect(opensToWorld(6443)).toBe(false);
    expect(rules.filter((r) => (r.portRangeMin === 22 || r.portRangeMin === 6443) && r.remoteIpPrefix === "192.0.2.0/24")).toHaveLength(2);
    expect(rules.some((r) => r.protocol === "udp" && r.portRangeMin === 10000 && r.remoteIpPrefix === "0.0.0.0/0")).toBe(true);
    expect(opensToWorld(443)).toBe(true);
  });

  test("media nodes get floating IPs, the bridge label and taint, and the anti-affinity group; workers neither", async () => {
    const vms = ofType(created, "openstack:compute/instance:Instance");
    const media = vms.filter((v) => v.inputs.flavorName === "media-flavor");
    for (const vm of media) {
      expect(userData(vm)).toContain(mediaTaint);
      expect(userData(vm)).toMatch(/node-external-ip: 203\.0\.113\.\d+/);
      expect(vm.inputs.schedulerHints).toEqual([{ group: "garr-media-spread-id" }]);
    }
    for (const vm of vms.filter((v) => v.inputs.flavorName === "worker-flavor")) expect(userData(vm)).not.toContain(mediaTaint);
    // One floating IP per media node plus the API's, each associated with its VM.
    expect(ofType(created, "openstack:networking/floatingIp:FloatingIp")).toHaveLength(4);
    expect(ofType(created, "openstack:compute/floatingIpAssociate:FloatingIpAssociate")).toHaveLength(4);
    expect(await outputValue(cluster.mediaAddresses)).toHaveLength(3);
  });

  test("the kubeconfig and the VMs' cloud-init (token, CA keys) are secrets", async () => {
    expect(await pulumi.isSecret(cluster.kubeconfig)).toBe(true);
    const config = JSON.parse(await outputValue(cluster.kubeconfig)) as { clusters: Array<{ cluster: { server: string } }> };
    expect(config.clusters[0]?.cluster.server).toBe(`https://${await outputValue(cluster.apiAddress)}:6443`);
    const controlPlane = ofType(created, "openstack:compute/instance:Instance").find((v) => v.inputs.flavorName === "cp-flavor")!;
    expect(userData(controlPlane)).toContain("client-ca.key");
  });
});

describe("Hetzner cluster", () => {
  let created: Registered[];
  let cluster: HetznerCluster;
  beforeAll(async () => {
    const mark = registered.length;
    cluster = new HetznerCluster("hz", {
      ...base,
      location: "fsn1",
      networkZone: "eu-central",
      workers: { count: 1, flavor: "cx33" },
      media: { count: 2, flavor: "cx43" },
      controlPlane: { flavor: "cx33" },
    });
    await outputValue(cluster.kubeconfig);
    await settle();
    created = since(mark);
  });

  test("servers follow the configured counts and types; media nodes share a spread placement group", () => {
    const servers = ofType(created, "hcloud:index/server:Server");
    expect(servers.map((s) => s.inputs.serverType).sort()).toEqual(["cx33", "cx33", "cx43", "cx43"]);
    expect(ofType(created, "hcloud:index/placementGroup:PlacementGroup")[0]?.inputs.type).toBe("spread");
    const media = servers.filter((s) => s.inputs.serverType === "cx43");
    expect(new Set(media.map((s) => s.inputs.placementGroupId)).size).toBe(1);
    expect(media.every((s) => s.inputs.placementGroupId !== undefined)).toBe(true);
  });

  test("firewalls never open SSH or the API to the world; media nodes have their own public IPs and the taint", () => {
    const rules = ofType(created, "hcloud:index/firewall:Firewall").flatMap(
      (f) => f.inputs.rules as Array<{ port: string; sourceIps: string[]; protocol: string }>,
    );
    const portsOpenToWorld = rules.filter((r) => r.sourceIps.some((s) => s.endsWith("/0"))).map((r) => `${r.protocol}/${r.port}`);
    expect(portsOpenToWorld.sort()).toEqual(["tcp/443", "tcp/80", "udp/10000"]);
    const media = ofType(created, "hcloud:index/server:Server").filter((s) => s.inputs.serverType === "cx43");
    for (const s of media) {
      const [net] = s.inputs.publicNets as Array<{ ipv4Enabled: boolean; ipv4: number }>;
      expect(net).toMatchObject({ ipv4Enabled: true });
      expect(typeof net?.ipv4).toBe("number");
      expect(userData(s)).toContain(mediaTaint);
    }
  });

  test("the kubeconfig is a secret pointing at the control plane's primary IP", async () => {
    expect(await pulumi.isSecret(cluster.kubeconfig)).toBe(true);
    expect(await outputValue(cluster.kubeconfig)).toContain(`https://${await outputValue(cluster.apiAddress)}:6443`);
  });

  test("an admin CIDR of the whole Internet is refused before anything is created", () => {
    expect(() => new HetznerCluster("open", { ...base, adminCidr: "0.0.0.0/0", location: "fsn1", networkZone: "eu-central" })).toThrow(/whole Internet/);
  });

  test("without mediaAutoscaling, no node autoscaler is installed", () => {
    expect(ofType(created, "kubernetes:helm.sh/v3:Release")).toEqual([]);
  });
});

describe("Hetzner cluster with an autoscaled media pool", () => {
  let created: Registered[];
  beforeAll(async () => {
    const mark = registered.length;
    const cluster = new HetznerCluster("auto", {
      ...base,
      location: "nbg1",
      networkZone: "eu-central",
      media: { count: 1, flavor: "cx43" },
      mediaAutoscaling: { min: 0, max: 6, token: pulumi.secret("hcloud-token-marker") },
    });
    await outputValue(cluster.kubeconfig);
    await settle();
    created = since(mark);
  });
  const release = () => ofType(created, "kubernetes:helm.sh/v3:Release")[0]!;
  const values = () =>
    reveal(release().inputs.values).value as {
      cloudProvider: string;
      autoscalingGroups: Array<Record<string, unknown>>;
      extraEnv: Record<string, string>;
      extraEnvSecrets: Record<string, { name: string; key: string }>;
    };

  test("the cluster-autoscaler's Hetzner provider scales one media pool between the configured bounds, of the media server type", () => {
    expect(release().inputs.chart).toBe("cluster-autoscaler");
    expect(values().cloudProvider).toBe("hetzner");
    expect(values().autoscalingGroups).toEqual([{ name: "auto-media-auto", minSize: 0, maxSize: 6, instanceType: "cx43", region: "nbg1" }]);
    // The fixed media node stays.
    expect(ofType(created, "hcloud:index/server:Server").filter((s) => s.inputs.serverType === "cx43")).toHaveLength(1);
  });

  test("the API token and the nodes' cloud-init (k3s token) are in a Secret, never in the Deployment's values", () => {
    const secret = ofType(created, "kubernetes:core/v1:Secret")[0]!;
    const stringData = reveal(secret.inputs.stringData);
    expect(stringData.secret).toBe(true);
    const data = stringData.value as { token: string; "cluster-config": string };
    expect(data.token).toBe("hcloud-token-marker");
    const config = JSON.parse(Buffer.from(data["cluster-config"], "base64").toString()) as {
      nodeConfigs: Record<string, { cloudInit: string; labels: Record<string, string>; taints: Array<{ key: string; effect: string }> }>;
    };
    const pool = config.nodeConfigs["auto-media-auto"]!;
    expect(pool.cloudInit).toContain(mediaTaint);
    expect(pool.cloudInit).toContain("169.254.169.254/hetzner/v1/metadata/public-ipv4");
    expect(pool.labels).toEqual({ "meet.meetingfleet.dev/media": "true" });
    expect(values().extraEnvSecrets).toEqual({
      HCLOUD_TOKEN: { name: "cluster-autoscaler-hcloud", key: "token" },
      HCLOUD_CLUSTER_CONFIG: { name: "cluster-autoscaler-hcloud", key: "cluster-config" },
    });
    expect(JSON.stringify(values())).not.toContain("hcloud-token-marker");
  });

  test("autoscaled servers get one firewall with the nodes' rules and the media port, still closed to the world for SSH and the API", () => {
    const firewalls = ofType(created, "hcloud:index/firewall:Firewall");
    const autoscaled = firewalls.find((f) => f.name === "auto-media-autoscaled")!;
    const rules = autoscaled.inputs.rules as Array<{ port: string; sourceIps: string[]; protocol: string }>;
    expect(
      rules
        .filter((r) => r.sourceIps.some((s) => s.endsWith("/0")))
        .map((r) => `${r.protocol}/${r.port}`)
        .sort(),
    ).toEqual(["tcp/443", "tcp/80", "udp/10000"]);
    expect(values().extraEnv.HCLOUD_FIREWALL).toBe("auto-media-autoscaled");
  });

  test("bounds are checked: a minimum above the maximum is refused", () => {
    expect(() => new HetznerCluster("bad", { ...base, location: "fsn1", networkZone: "eu-central", mediaAutoscaling: { min: 5, max: 2, token: "t" } })).toThrow(
      /min \(5\) must be <= max \(2\)/,
    );
  });
});
