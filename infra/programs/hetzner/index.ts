// `pulumi up` here: a k3s cluster on Hetzner Cloud and, when `platform` config is set, the whole
// platform on it. Credentials: `pulumi config set --secret hcloud:token ...` (or HCLOUD_TOKEN).
import * as pulumi from "@pulumi/pulumi";
import { HetznerCluster } from "../../src/cluster/hetzner.ts";
import { hetznerClusterSchema, parseConfig } from "../../src/config.ts";
import { clusterWithPlatform } from "../../src/program.ts";

const config = new pulumi.Config();
const { mediaAutoscaling, ...cluster } = parseConfig(hetznerClusterSchema, "cluster", config.requireObject("cluster"));
// The cluster-autoscaler calls Hetzner's API with the stack's own token.
const autoscaling = mediaAutoscaling ? { mediaAutoscaling: { ...mediaAutoscaling, token: new pulumi.Config("hcloud").requireSecret("token") } } : {};
const out = clusterWithPlatform(new HetznerCluster("meetingfleet", { ...cluster, ...autoscaling }), config);

export const { kubeconfig, apiAddress, mediaAddresses, webUrl } = out;
