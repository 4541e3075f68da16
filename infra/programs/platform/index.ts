// `pulumi up` here: the platform on any cluster. The kubeconfig is the secret config `kubeconfig`
// (pulumi config set --secret kubeconfig "$(cat ~/.kube/config)"), or KUBECONFIG's file when unset.
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { parseConfig, platformSchema } from "../../src/config.ts";
import { platformArgs } from "../../src/platform/from-config.ts";
import { Platform } from "../../src/platform/platform.ts";

const config = new pulumi.Config();
const kubeconfigFile = process.env.KUBECONFIG;
const kubeconfig = config.getSecret("kubeconfig") ?? (kubeconfigFile ? pulumi.secret(readFileSync(kubeconfigFile, "utf8")) : undefined);
if (!kubeconfig) throw new Error("set the secret config `kubeconfig` or KUBECONFIG");
const platform = new Platform("meetingfleet", platformArgs(parseConfig(platformSchema, "platform", config.requireObject("platform")), kubeconfig));

export const webUrl = platform.webUrl;
export const fleet = platform.fleet.metadata.name;
