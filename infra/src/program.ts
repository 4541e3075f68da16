// What the cluster programs share: the cluster's outputs and, when the stack has `platform` config, the
// platform installed on that cluster with the cluster's kubeconfig.

import type * as pulumi from "@pulumi/pulumi";
import { parseConfig, platformSchema } from "./config.ts";
import { platformArgs } from "./platform/from-config.ts";
import { Platform } from "./platform/platform.ts";

export interface ClusterOutputs {
  kubeconfig: pulumi.Output<string>;
  apiAddress: pulumi.Output<string>;
  mediaAddresses: pulumi.Output<string[]>;
}

export function clusterWithPlatform(cluster: ClusterOutputs, config: pulumi.Config): ClusterOutputs & { webUrl: pulumi.Output<string> | undefined } {
  const platformConfig = config.getObject("platform");
  const platform = platformConfig
    ? new Platform("meetingfleet", platformArgs(parseConfig(platformSchema, "platform", platformConfig), cluster.kubeconfig))
    : undefined;
  return { kubeconfig: cluster.kubeconfig, apiAddress: cluster.apiAddress, mediaAddresses: cluster.mediaAddresses, webUrl: platform?.webUrl };
}
