// The Jitsi signaling stack (docker-jitsi-meet's images: web, prosody, jicofo) as plain Kubernetes
// objects, with no bridges of its own: the MeetingFleet provides them. One generated Secret carries the
// XMPP passwords of the bridges (jvb) and of jicofo (focus); prosody registers both users from it.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface JitsiArgs {
  namespace: pulumi.Input<string>;
  /** Public host name of the web front, e.g. meet.example.org. */
  domain: string;
  /** docker-jitsi-meet image tag, e.g. stable-10314. */
  imageTag: string;
  xmppSecretName: pulumi.Input<string>;
  /** Ingress TLS through cert-manager: the ClusterIssuer's name. */
  clusterIssuer?: pulumi.Input<string>;
  ingressClassName?: string;
  /**
   * Wait, as Pulumi does, until each Service has endpoints and the Ingress an address. False where they never
   * come: an Ingress with no controller, or the kwok test bed (loopback pod IPs make no EndpointSlices).
   */
  waitForAddresses: boolean;
}

/** XMPP names inside the cluster (docker-jitsi-meet's defaults). */
export const xmpp = {
  domain: "meet.jitsi",
  authDomain: "auth.meet.jitsi",
  mucDomain: "muc.meet.jitsi",
  internalMucDomain: "internal-muc.meet.jitsi",
  breweryMuc: "jvbbrewery",
  jvbUser: "jvb",
  jicofoUser: "focus",
};

export class JitsiSignaling extends pulumi.ComponentResource {
  /** Where bridges reach prosody. */
  readonly xmppServer: pulumi.Output<string>;
  readonly prosody: k8s.apps.v1.Deployment;

  constructor(name: string, args: JitsiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meetingfleet:infra:JitsiSignaling", name, {}, opts);
    const parent = { parent: this };
    const image = (component: string) => `jitsi/${component}:${args.imageTag}`;
    const secretEnv = (envName: string, key: string) => ({ name: envName, valueFrom: { secretKeyRef: { name: args.xmppSecretName, key } } });
    const common = [
      { name: "XMPP_DOMAIN", value: xmpp.domain },
      { name: "XMPP_AUTH_DOMAIN", value: xmpp.authDomain },
      { name: "XMPP_MUC_DOMAIN", value: xmpp.mucDomain },
      { name: "XMPP_INTERNAL_MUC_DOMAIN", value: xmpp.internalMucDomain },
      { name: "XMPP_SERVER", value: "prosody" },
      { name: "JVB_BREWERY_MUC", value: xmpp.breweryMuc },
      { name: "JVB_AUTH_USER", value: xmpp.jvbUser },
      { name: "JICOFO_AUTH_USER", value: xmpp.jicofoUser },
      { name: "PUBLIC_URL", value: `https://${args.domain}` },
      { name: "TZ", value: "UTC" },
    ];
    const restricted = {
      securityContext: { seccompProfile: { type: "RuntimeDefault" } },
    };
    const deployment = (component: string, env: k8s.types.input.core.v1.EnvVar[], ports: Array<{ name: string; containerPort: number }>) =>
      new k8s.apps.v1.Deployment(
        `${name}-${component}`,
        {
          metadata: { name: component, namespace: args.namespace, labels: { app: component } },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: component } },
            template: {
              metadata: { labels: { app: component } },
              spec: { ...restricted, containers: [{ name: component, image: image(component), env, ports }] },
            },
          },
        },
        parent,
      );
    const awaitAnnotations: Record<string, string> = args.waitForAddresses ? {} : { "pulumi.com/skipAwait": "true" };
    const service = (component: string, ports: Array<{ name: string; port: number }>) =>
      new k8s.core.v1.Service(
        `${name}-${component}`,
        {
          metadata: { name: component, namespace: args.namespace, annotations: awaitAnnotations },
          spec: { selector: { app: component }, ports: ports.map((p) => ({ ...p, targetPort: p.port })) },
        },
        parent,
      );

    this.prosody = deployment(
      "prosody",
      [...common, secretEnv("JVB_AUTH_PASSWORD", "jvb-password"), secretEnv("JICOFO_AUTH_PASSWORD", "jicofo-password")],
      [
        { name: "xmpp-c2s", containerPort: 5222 },
        { name: "bosh", containerPort: 5280 },
        { name: "xmpp-component", containerPort: 5347 },
      ],
    );
    service("prosody", [
      { name: "xmpp-c2s", port: 5222 },
      { name: "bosh", port: 5280 },
      { name: "xmpp-component", port: 5347 },
    ]);
    deployment("jicofo", [...common, secretEnv("JICOFO_AUTH_PASSWORD", "jicofo-password")], [{ name: "http", containerPort: 8888 }]);
    deployment(
      "web",
      [
        ...common,
        { name: "XMPP_BOSH_URL_BASE", value: "http://prosody:5280" },
        { name: "DISABLE_HTTPS", value: "1" },
        { name: "ENABLE_HTTP_REDIRECT", value: "0" },
      ],
      [{ name: "http", containerPort: 80 }],
    );
    service("web", [{ name: "http", port: 80 }]);
    new k8s.networking.v1.Ingress(
      `${name}-web`,
      {
        metadata: {
          name: "web",
          namespace: args.namespace,
          annotations: { ...awaitAnnotations, ...(args.clusterIssuer ? { "cert-manager.io/cluster-issuer": args.clusterIssuer } : {}) },
        },
        spec: {
          ...(args.ingressClassName ? { ingressClassName: args.ingressClassName } : {}),
          rules: [{ host: args.domain, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } }],
          ...(args.clusterIssuer ? { tls: [{ hosts: [args.domain], secretName: "web-tls" }] } : {}),
        },
      },
      parent,
    );
    this.xmppServer = pulumi.interpolate`prosody.${args.namespace}.svc.cluster.local`;
    this.registerOutputs({ xmppServer: this.xmppServer });
  }
}
