// A k3s cluster on an OpenStack cloud (GARR Cloud, OVH and other donors): private network and router,
// security groups from the shared firewall policy, a control plane with a floating IP for the admins,
// workers, and media nodes with floating IPs spread by an anti-affinity server group.

import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { type ClusterArgs, controlPlaneIp, privateCidr } from "./args.ts";
import { firewallPolicy, type IngressRule } from "./firewall.ts";
import { agentUserData, serverUserData } from "./k3s-user-data.ts";
import { clusterPki, kubeconfig } from "./pki.ts";

export interface OpenStackClusterArgs extends ClusterArgs {
  /** The provider network floating IPs come from (its name, the "pool"). */
  externalNetworkName: string;
  externalNetworkId: string;
}

export class OpenStackCluster extends pulumi.ComponentResource {
  readonly kubeconfig: pulumi.Output<string>;
  readonly apiAddress: pulumi.Output<string>;
  readonly mediaAddresses: pulumi.Output<string[]>;

  constructor(name: string, args: OpenStackClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meetingfleet:infra:OpenStackCluster", name, {}, opts);
    const parent = { parent: this };
    const rules = firewallPolicy({ adminCidr: args.adminCidr, mediaPorts: args.mediaPorts });
    const token = new random.RandomPassword(`${name}-k3s-token`, { length: 48, special: false }, parent);
    const pki = clusterPki(name, this);

    const network = new openstack.networking.Network(`${name}-net`, { adminStateUp: true }, parent);
    const subnet = new openstack.networking.Subnet(
      `${name}-subnet`,
      { networkId: network.id, cidr: privateCidr, ipVersion: 4, dnsNameservers: ["9.9.9.9", "1.1.1.1"] },
      parent,
    );
    const router = new openstack.networking.Router(`${name}-router`, { externalNetworkId: args.externalNetworkId }, parent);
    new openstack.networking.RouterInterface(`${name}-router-if`, { routerId: router.id, subnetId: subnet.id }, parent);

    const group = (groupName: string, selected: IngressRule[], internal: boolean) => {
      const sg = new openstack.networking.SecGroup(`${name}-${groupName}`, { description: `meetingfleet ${groupName}` }, parent);
      const all = internal
        ? [
            ...selected,
            ...(["tcp", "udp"] as const).map((protocol) => ({
              description: "between nodes",
              protocol,
              portMin: 1,
              portMax: 65535,
              from: privateCidr,
              mediaOnly: false,
            })),
          ]
        : selected;
      for (const [i, r] of all.entries()) {
        new openstack.networking.SecGroupRule(
          `${name}-${groupName}-${i}`,
          {
            securityGroupId: sg.id,
            direction: "ingress",
            ethertype: "IPv4",
            protocol: r.protocol,
            portRangeMin: r.portMin,
            portRangeMax: r.portMax,
            remoteIpPrefix: r.from,
            description: r.description,
          },
          parent,
        );
      }
      return sg;
    };
    const nodes = group(
      "nodes",
      rules.filter((r) => !r.mediaOnly),
      true,
    );
    const media = group(
      "media",
      rules.filter((r) => r.mediaOnly),
      false,
    );
    const spread = new openstack.compute.ServerGroup(`${name}-media-spread`, { policies: ["soft-anti-affinity"] }, parent);
    const keypair = new openstack.compute.Keypair(`${name}-admin`, { publicKey: args.sshPublicKey }, parent);

    const floating = (fipName: string) => new openstack.networking.FloatingIp(fipName, { pool: args.externalNetworkName }, parent);
    const instance = (instanceName: string, flavor: string, userData: pulumi.Input<string>, extra: Partial<openstack.compute.InstanceArgs>, fixedIp?: string) =>
      new openstack.compute.Instance(
        instanceName,
        {
          flavorName: flavor,
          imageName: args.image,
          keyPair: keypair.name,
          networks: [{ uuid: network.id, ...(fixedIp ? { fixedIpV4: fixedIp } : {}) }],
          securityGroups: [nodes.name],
          userData,
          ...extra,
        },
        { parent: this, dependsOn: [subnet] },
      );

    const apiIp = floating(`${name}-api-ip`);
    const controlPlane = instance(
      `${name}-control-plane`,
      args.controlPlane.flavor,
      serverUserData(args.k3sVersion, token.result, pki, apiIp.address),
      {},
      controlPlaneIp,
    );
    new openstack.compute.FloatingIpAssociate(`${name}-api-ip-assoc`, { floatingIp: apiIp.address, instanceId: controlPlane.id }, parent);

    for (let i = 0; i < args.workers.count; i++) instance(`${name}-worker-${i}`, args.workers.flavor, agentUserData(args.k3sVersion, token.result, false), {});
    const mediaIps: pulumi.Output<string>[] = [];
    for (let i = 0; i < args.media.count; i++) {
      const ip = floating(`${name}-media-ip-${i}`);
      const node = instance(`${name}-media-${i}`, args.media.flavor, agentUserData(args.k3sVersion, token.result, true, ip.address), {
        securityGroups: [nodes.name, media.name],
        schedulerHints: [{ group: spread.id }],
      });
      new openstack.compute.FloatingIpAssociate(`${name}-media-ip-assoc-${i}`, { floatingIp: ip.address, instanceId: node.id }, parent);
      mediaIps.push(ip.address);
    }

    this.apiAddress = apiIp.address;
    this.mediaAddresses = pulumi.all(mediaIps);
    this.kubeconfig = kubeconfig(name, apiIp.address, pki);
    this.registerOutputs({ kubeconfig: this.kubeconfig, apiAddress: this.apiAddress, mediaAddresses: this.mediaAddresses });
  }
}
