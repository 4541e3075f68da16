// `pulumi up` here: a k3s cluster on an OpenStack cloud and, when `platform` config is set, the whole
// platform on it. Credentials: the OpenStack provider's environment (OS_CLOUD with clouds.yaml, or OS_*).
import * as pulumi from "@pulumi/pulumi";
import { OpenStackCluster } from "../../src/cluster/openstack.ts";
import { openstackClusterSchema, parseConfig } from "../../src/config.ts";
import { clusterWithPlatform } from "../../src/program.ts";

const config = new pulumi.Config();
const out = clusterWithPlatform(new OpenStackCluster("meetingfleet", parseConfig(openstackClusterSchema, "cluster", config.requireObject("cluster"))), config);

export const { kubeconfig, apiAddress, mediaAddresses, webUrl } = out;
