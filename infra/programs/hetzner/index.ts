// `pulumi up` here: a k3s cluster on Hetzner Cloud and, when `platform` config is set, the whole
// platform on it. Credentials: `pulumi config set --secret hcloud:token ...` (or HCLOUD_TOKEN).
import * as pulumi from "@pulumi/pulumi";
import { HetznerCluster } from "../../src/cluster/hetzner.ts";
import { hetznerClusterSchema, parseConfig } from "../../src/config.ts";
import { clusterWithPlatform } from "../../src/program.ts";

const config = new pulumi.Config();
const out = clusterWithPlatform(new HetznerCluster("meetingfleet", parseConfig(hetznerClusterSchema, "cluster", config.requireObject("cluster"))), config);

export const { kubeconfig, apiAddress, mediaAddresses, webUrl } = out;
