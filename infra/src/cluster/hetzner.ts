// The same cluster shape on Hetzner Cloud: private network, firewalls from the shared policy, a control
// plane and media nodes on primary IPs reserved first (their addresses go into cloud-init), workers,
// and a spread placement group for the media nodes.

import * as hcloud from "@pulumi/hcloud";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { type ClusterArgs, controlPlaneIp, privateCidr } from "./args.ts";
import { firewallPolicy, type IngressRule } from "./firewall.ts";
import { HetznerMediaAutoscaler, hetznerPublicIpUrl } from "./hetzner-autoscaler.ts";
import { agentUserData, serverUserData } from "./k3s-user-data.ts";
import { clusterPki, kubeconfig } from "./pki.ts";

export interface HetznerClusterArgs extends ClusterArgs {
  /** e.g. fsn1, nbg1, hel1. */
  location: string;
  networkZone: string;
  /**
   * Media servers beyond the fixed ones, made and removed by the cluster-autoscaler between these bounds, with
   * the Hetzner API token it uses (secret).
   */
  mediaAutoscaling?: { min: number; max: number; token: pulumi.Input<string> };
}

const hcloudRule = (r: IngressRule): hcloud.types.input.FirewallRule => ({
  description: r.description,
  direction: "in",
  protocol: r.protocol,
  port: r.portMin === r.portMax ? String(r.portMin) : `${r.portMin}-${r.portMax}`,
  sourceIps: [r.from],
});

export class HetznerCluster extends pulumi.ComponentResource {
  readonly kubeconfig: pulumi.Output<string>;
  readonly apiAddress: pulumi.Output<string>;
  readonly mediaAddresses: pulumi.Output<string[]>;

  constructor(name: string, args: HetznerClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meetingfleet:infra:HetznerCluster", name, {}, opts);
    const parent = { parent: this };
    const rules = firewallPolicy({ adminCidr: args.adminCidr, mediaPorts: args.mediaPorts });
    const token = new random.RandomPassword(`${name}-k3s-token`, { length: 48, special: false }, parent);
    const pki = clusterPki(name, this);

    const network = new hcloud.Network(`${name}-net`, { ipRange: "10.20.0.0/16" }, parent);
    const subnet = new hcloud.NetworkSubnet(
      `${name}-subnet`,
      { networkId: network.id.apply(Number), type: "cloud", networkZone: args.networkZone, ipRange: privateCidr },
      parent,
    );
    // Hetzner firewalls apply to public interfaces only: traffic on the private network is not filtered.
    const nodes = new hcloud.Firewall(`${name}-nodes`, { rules: rules.filter((r) => !r.mediaOnly).map(hcloudRule) }, parent);
    const media = new hcloud.Firewall(`${name}-media`, { rules: rules.filter((r) => r.mediaOnly).map(hcloudRule) }, parent);
    const spread = new hcloud.PlacementGroup(`${name}-media-spread`, { type: "spread" }, parent);
    const key = new hcloud.SshKey(`${name}-admin`, { publicKey: args.sshPublicKey }, parent);

    const primaryIp = (ipName: string) =>
      new hcloud.PrimaryIp(ipName, { type: "ipv4", assigneeType: "server", location: args.location, autoDelete: false }, parent);
    const server = (
      serverName: string,
      flavor: string,
      userData: pulumi.Input<string>,
      firewalls: hcloud.Firewall[],
      extra: Partial<hcloud.ServerArgs>,
      privateIp?: string,
    ) =>
      new hcloud.Server(
        serverName,
        {
          serverType: flavor,
          image: args.image,
          location: args.location,
          sshKeys: [key.id],
          firewallIds: firewalls.map((f) => f.id.apply(Number)),
          networks: [{ networkId: network.id.apply(Number), ...(privateIp ? { ip: privateIp } : {}) }],
          userData,
          ...extra,
        },
        { parent: this, dependsOn: [subnet] },
      );

    const apiIp = primaryIp(`${name}-api-ip`);
    server(
      `${name}-control-plane`,
      args.controlPlane.flavor,
      serverUserData(args.k3sVersion, token.result, pki, apiIp.ipAddress),
      [nodes],
      { publicNets: [{ ipv4Enabled: true, ipv4: apiIp.id.apply(Number), ipv6Enabled: false }] },
      controlPlaneIp,
    );

    // Workers keep a public IPv4 for egress (Hetzner has no NAT gateway); the firewall closes it.
    for (let i = 0; i < args.workers.count; i++)
      server(`${name}-worker-${i}`, args.workers.flavor, agentUserData(args.k3sVersion, token.result, false), [nodes], {
        publicNets: [{ ipv4Enabled: true, ipv6Enabled: false }],
      });
    const mediaIps: pulumi.Output<string>[] = [];
    for (let i = 0; i < args.media.count; i++) {
      const ip = primaryIp(`${name}-media-ip-${i}`);
      server(`${name}-media-${i}`, args.media.flavor, agentUserData(args.k3sVersion, token.result, true, ip.ipAddress), [nodes, media], {
        publicNets: [{ ipv4Enabled: true, ipv4: ip.id.apply(Number), ipv6Enabled: false }],
        placementGroupId: spread.id.apply(Number),
        labels: { "meetingfleet-role": "media" },
      });
      mediaIps.push(ip.ipAddress);
    }

    if (args.mediaAutoscaling) {
      // The autoscaler gives a server one firewall: the nodes' rules and the media port together.
      const autoscaledFirewall = new hcloud.Firewall(`${name}-media-autoscaled`, { rules: rules.map(hcloudRule) }, parent);
      new HetznerMediaAutoscaler(
        `${name}-media`,
        {
          kubeconfig: kubeconfig(name, apiIp.ipAddress, pki),
          token: args.mediaAutoscaling.token,
          pool: {
            name: `${name}-media-auto`,
            min: args.mediaAutoscaling.min,
            max: args.mediaAutoscaling.max,
            serverType: args.media.flavor,
            location: args.location,
          },
          image: args.image,
          cloudInit: agentUserData(args.k3sVersion, token.result, true, { metadataUrl: hetznerPublicIpUrl }),
          network: network.name,
          firewall: autoscaledFirewall.name,
          sshKey: key.name,
        },
        parent,
      );
    }

    this.apiAddress = apiIp.ipAddress;
    this.mediaAddresses = pulumi.all(mediaIps);
    this.kubeconfig = kubeconfig(name, apiIp.ipAddress, pki);
    this.registerOutputs({ kubeconfig: this.kubeconfig, apiAddress: this.apiAddress, mediaAddresses: this.mediaAddresses });
  }
}
