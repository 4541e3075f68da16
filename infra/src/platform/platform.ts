// The whole platform on any cluster reachable with a kubeconfig (one from the cluster components, an
// existing cluster, or kind): the operator chart from this repository (with its CRD), optional
// kube-prometheus-stack with our dashboards and alerts, optional cert-manager, the Jitsi signaling
// stack, one generated XMPP Secret shared by prosody and the bridges, and a MeetingFleet from config.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { mediaLabel } from "../cluster/cloud-init.ts";
import { JitsiSignaling, xmpp } from "./jitsi.ts";

export interface FleetConfig {
  name: string;
  replicas: number;
  minReplicas: number;
  maxReplicas: number;
  drainDeadline?: string;
  bridgeImage: string;
  /** Run bridges only on media nodes (labelled and tainted by the cluster components). */
  onMediaNodes: boolean;
  /** The MeetingFleet's spec.autoscaling; none keeps spec.replicas as set. */
  autoscaling?: Record<string, unknown>;
}

export interface PlatformArgs {
  kubeconfig: pulumi.Input<string>;
  /** charts/meetingfleet-operator of this repository. */
  chartDir: string;
  operatorNamespace: string;
  jitsiNamespace: string;
  operatorImage?: { repository: string; tag: string };
  /** Whether the chart installs the MeetingFleet CRD: not where one was applied without Helm (Helm cannot adopt it). */
  installCrds: boolean;
  /** Chart versions: pin them in stack config; unset takes the repository's newest. */
  monitoring: { enabled: boolean; namespace: string; chartVersion?: string };
  certManager: { enabled: boolean; email?: string; chartVersion?: string };
  jitsi: { domain: string; imageTag: string; ingressClassName?: string; waitForAddresses: boolean };
  fleet: FleetConfig;
}

export class Platform extends pulumi.ComponentResource {
  readonly operator: k8s.helm.v3.Release;
  readonly fleet: k8s.apiextensions.CustomResource;
  readonly xmppSecret: k8s.core.v1.Secret;
  readonly webUrl: pulumi.Output<string>;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meetingfleet:infra:Platform", name, {}, opts);
    const provider = new k8s.Provider(`${name}-cluster`, { kubeconfig: args.kubeconfig }, { parent: this });
    const on = { parent: this, provider };

    const namespace = (ns: string) => new k8s.core.v1.Namespace(`${name}-${ns}`, { metadata: { name: ns } }, on);
    const operatorNs = namespace(args.operatorNamespace);
    const jitsiNs = namespace(args.jitsiNamespace);

    const password = (user: string) => new random.RandomPassword(`${name}-${user}-password`, { length: 32, special: false }, { parent: this });
    this.xmppSecret = new k8s.core.v1.Secret(
      `${name}-xmpp`,
      {
        metadata: { name: "jitsi-xmpp", namespace: jitsiNs.metadata.name },
        stringData: { "jvb-password": password("jvb").result, "jicofo-password": password("jicofo").result },
      },
      { ...on, additionalSecretOutputs: ["stringData", "data"] },
    );

    const monitoring = args.monitoring.enabled
      ? new k8s.helm.v3.Release(
          `${name}-monitoring`,
          {
            chart: "kube-prometheus-stack",
            ...(args.monitoring.chartVersion ? { version: args.monitoring.chartVersion } : {}),
            repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
            namespace: args.monitoring.namespace,
            createNamespace: true,
            values: {
              // Pick up our ServiceMonitor, PodMonitor and PrometheusRule, and our dashboards' ConfigMaps.
              prometheus: {
                prometheusSpec: {
                  serviceMonitorSelectorNilUsesHelmValues: false,
                  podMonitorSelectorNilUsesHelmValues: false,
                  ruleSelectorNilUsesHelmValues: false,
                },
              },
              grafana: { sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", searchNamespace: "ALL" } } },
            },
          },
          on,
        )
      : undefined;

    this.operator = new k8s.helm.v3.Release(
      `${name}-operator`,
      {
        // A fixed release name: the chart keeps its CRD when uninstalled, and a later install adopts it only
        // under the same name.
        name: "meetingfleet-operator",
        chart: args.chartDir,
        namespace: operatorNs.metadata.name,
        values: {
          crds: { install: args.installCrds },
          watch: { mode: "namespaces", namespaces: [args.jitsiNamespace] },
          ...(args.operatorImage ? { image: args.operatorImage } : {}),
          serviceMonitor: { enabled: args.monitoring.enabled },
          podMonitor: { enabled: args.monitoring.enabled },
          prometheusRule: { enabled: args.monitoring.enabled },
          networkPolicy: { prometheus: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": args.monitoring.namespace } } } },
        },
      },
      // The monitoring CRDs (ServiceMonitor, ...) must exist before the chart uses them.
      { ...on, dependsOn: [jitsiNs, ...(monitoring ? [monitoring] : [])] },
    );

    let clusterIssuer: pulumi.Output<string> | undefined;
    if (args.certManager.enabled) {
      if (!args.certManager.email) throw new Error("certManager.email is required for Let's Encrypt when cert-manager is enabled");
      const certManager = new k8s.helm.v3.Release(
        `${name}-cert-manager`,
        {
          chart: "cert-manager",
          ...(args.certManager.chartVersion ? { version: args.certManager.chartVersion } : {}),
          repositoryOpts: { repo: "https://charts.jetstack.io" },
          namespace: "cert-manager",
          createNamespace: true,
          values: { crds: { enabled: true } },
        },
        on,
      );
      const issuer = new k8s.apiextensions.CustomResource(
        `${name}-letsencrypt`,
        {
          apiVersion: "cert-manager.io/v1",
          kind: "ClusterIssuer",
          metadata: { name: "letsencrypt" },
          spec: {
            acme: {
              server: "https://acme-v02.api.letsencrypt.org/directory",
              email: args.certManager.email,
              privateKeySecretRef: { name: "letsencrypt-account" },
              solvers: [{ http01: { ingress: args.jitsi.ingressClassName ? { ingressClassName: args.jitsi.ingressClassName } : {} } }],
            },
          },
        },
        { ...on, dependsOn: [certManager] },
      );
      clusterIssuer = issuer.metadata.name;
    }

    const signaling = new JitsiSignaling(
      `${name}-jitsi`,
      {
        namespace: jitsiNs.metadata.name,
        domain: args.jitsi.domain,
        imageTag: args.jitsi.imageTag,
        xmppSecretName: this.xmppSecret.metadata.name,
        waitForAddresses: args.jitsi.waitForAddresses,
        ...(clusterIssuer ? { clusterIssuer } : {}),
        ...(args.jitsi.ingressClassName ? { ingressClassName: args.jitsi.ingressClassName } : {}),
      },
      on,
    );

    const f = args.fleet;
    this.fleet = new k8s.apiextensions.CustomResource(
      `${name}-fleet`,
      {
        apiVersion: "meet.meetingfleet.dev/v1alpha1",
        kind: "MeetingFleet",
        metadata: { name: f.name, namespace: jitsiNs.metadata.name },
        spec: {
          replicas: f.replicas,
          minReplicas: f.minReplicas,
          maxReplicas: f.maxReplicas,
          ...(f.drainDeadline ? { drainDeadline: f.drainDeadline } : {}),
          template: {
            image: f.bridgeImage,
            ...(f.onMediaNodes
              ? { nodeSelector: { [mediaLabel]: "true" }, tolerations: [{ key: mediaLabel, operator: "Equal", value: "true", effect: "NoSchedule" }] }
              : {}),
          },
          signaling: {
            xmppServer: signaling.xmppServer,
            xmppDomain: xmpp.domain,
            xmppAuthDomain: xmpp.authDomain,
            xmppInternalMucDomain: xmpp.internalMucDomain,
            breweryMuc: xmpp.breweryMuc,
            authUser: xmpp.jvbUser,
            authPasswordSecretRef: { name: this.xmppSecret.metadata.name, key: "jvb-password" },
          },
          media: { exposure: "HostPort", port: 10000 },
          ...(f.autoscaling ? { autoscaling: f.autoscaling } : {}),
        },
      },
      // The CRD comes with the operator's chart; the bridges need prosody and the password.
      { ...on, dependsOn: [this.operator, this.xmppSecret, signaling] },
    );

    this.webUrl = pulumi.output(`https://${args.jitsi.domain}`);
    this.registerOutputs({ webUrl: this.webUrl, fleet: this.fleet.metadata.name });
  }
}
