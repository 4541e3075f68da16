// Stack config -> PlatformArgs: the chart comes from this repository, wherever the program runs.

import path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config.ts";
import type { PlatformArgs } from "./platform.ts";

export const chartDir = path.resolve(import.meta.dirname, "../../../charts/meetingfleet-operator");

export function platformArgs(config: PlatformConfig, kubeconfig: pulumi.Input<string>): PlatformArgs {
  return {
    kubeconfig,
    chartDir,
    operatorNamespace: config.operatorNamespace,
    jitsiNamespace: config.jitsiNamespace,
    installCrds: config.installCrds,
    ...(config.operatorImage ? { operatorImage: config.operatorImage } : {}),
    monitoring: {
      enabled: config.monitoring.enabled,
      namespace: config.monitoring.namespace,
      ...(config.monitoring.chartVersion ? { chartVersion: config.monitoring.chartVersion } : {}),
    },
    certManager: {
      enabled: config.certManager.enabled,
      ...(config.certManager.email ? { email: config.certManager.email } : {}),
      ...(config.certManager.chartVersion ? { chartVersion: config.certManager.chartVersion } : {}),
    },
    jitsi: {
      domain: config.jitsi.domain,
      imageTag: config.jitsi.imageTag,
      waitForAddresses: config.jitsi.waitForAddresses,
      ...(config.jitsi.ingressClassName ? { ingressClassName: config.jitsi.ingressClassName } : {}),
    },
    fleet: { ...config.fleet, ...(config.fleet.autoscaling ? { autoscaling: config.fleet.autoscaling } : {}) },
  };
}
