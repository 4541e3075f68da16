// Media nodes that follow the bridges on Hetzner Cloud: the Kubernetes cluster-autoscaler with its Hetzner
// provider, installed in the cluster (its Helm chart), creating and removing servers of one pool between the
// configured bounds. They boot the same cloud-init as the fixed media nodes (label, taint, k3s agent), except
// that their public address is read from Hetzner's metadata service at boot. Bridges with meetings carry
// `cluster-autoscaler.kubernetes.io/safe-to-evict: "false"` (the operator's doing), so no node under a meeting is
// removed. The API token and the cloud-init (the k3s token) travel in a Secret, never in the Deployment.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { mediaLabel } from "./cloud-init.ts";

export interface MediaAutoscalingArgs {
  kubeconfig: pulumi.Input<string>;
  /** The Hetzner Cloud API token (secret). */
  token: pulumi.Input<string>;
  pool: { name: string; min: number; max: number; serverType: string; location: string };
  image: string;
  /** The media nodes' cloud-init with a public address discovered at boot (secret: it holds the k3s token). */
  cloudInit: pulumi.Input<string>;
  /** Names of the cluster's network, of the firewall for media nodes, and of the admins' SSH key. */
  network: pulumi.Input<string>;
  firewall: pulumi.Input<string>;
  sshKey: pulumi.Input<string>;
  /** The cluster-autoscaler chart's version: pin it in stack config; unset takes the newest. */
  chartVersion?: string;
}

/** Hetzner's metadata service, which answers a server's own public IPv4. */
export const hetznerPublicIpUrl = "http://169.254.169.254/hetzner/v1/metadata/public-ipv4";

/** HCLOUD_CLUSTER_CONFIG: the image per architecture, and per pool the cloud-init, labels and taints. */
export function hetznerClusterConfig(pool: string, image: string, cloudInit: string): string {
  const config = {
    imagesForArch: { amd64: image, arm64: image },
    nodeConfigs: {
      [pool]: { cloudInit, labels: { [mediaLabel]: "true" }, taints: [{ key: mediaLabel, value: "true", effect: "NoSchedule" }] },
    },
  };
  return Buffer.from(JSON.stringify(config)).toString("base64");
}

export class HetznerMediaAutoscaler extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: MediaAutoscalingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meetingfleet:infra:HetznerMediaAutoscaler", name, {}, opts);
    if (args.pool.min > args.pool.max) throw new Error(`media autoscaling: min (${args.pool.min}) must be <= max (${args.pool.max})`);
    const provider = new k8s.Provider(`${name}-cluster`, { kubeconfig: args.kubeconfig }, { parent: this });
    const on = { parent: this, provider };
    const secret = new k8s.core.v1.Secret(
      `${name}-hcloud`,
      {
        metadata: { name: "cluster-autoscaler-hcloud", namespace: "kube-system" },
        stringData: {
          token: args.token,
          "cluster-config": pulumi.output(args.cloudInit).apply((init) => hetznerClusterConfig(args.pool.name, args.image, init)),
        },
      },
      { ...on, additionalSecretOutputs: ["stringData", "data"] },
    );
    const fromSecret = (key: string) => ({ name: secret.metadata.name, key });
    this.release = new k8s.helm.v3.Release(
      `${name}-cluster-autoscaler`,
      {
        chart: "cluster-autoscaler",
        ...(args.chartVersion ? { version: args.chartVersion } : {}),
        repositoryOpts: { repo: "https://kubernetes.github.io/autoscaler" },
        namespace: "kube-system",
        values: {
          cloudProvider: "hetzner",
          autoscalingGroups: [
            { name: args.pool.name, minSize: args.pool.min, maxSize: args.pool.max, instanceType: args.pool.serverType, region: args.pool.location },
          ],
          extraEnv: {
            HCLOUD_NETWORK: args.network,
            HCLOUD_FIREWALL: args.firewall,
            HCLOUD_SSH_KEY: args.sshKey,
            HCLOUD_PUBLIC_IPV4: "true",
            HCLOUD_PUBLIC_IPV6: "false",
          },
          extraEnvSecrets: { HCLOUD_TOKEN: fromSecret("token"), HCLOUD_CLUSTER_CONFIG: fromSecret("cluster-config") },
          // An empty media node goes after 10 minutes; bridges with meetings say safe-to-evict "false".
          extraArgs: { "scale-down-unneeded-time": "10m", "skip-nodes-with-local-storage": false },
        },
      },
      on,
    );
    this.registerOutputs({});
  }
}
