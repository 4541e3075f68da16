// cloud-init of each node as a secret output (it holds the k3s token and, on the server, the CA keys),
// shared by every provider.

import * as pulumi from "@pulumi/pulumi";
import { controlPlaneIp } from "./args.ts";
import { cloudInit } from "./cloud-init.ts";
import type { ClusterPki } from "./pki.ts";

export function serverUserData(k3sVersion: string, token: pulumi.Output<string>, pki: ClusterPki, publicIp: pulumi.Output<string>): pulumi.Output<string> {
  return pulumi.secret(
    pulumi
      .all([token, publicIp, pki.ca.serverCert, pki.ca.serverKey, pki.ca.clientCert, pki.ca.clientKey])
      .apply(([t, ip, serverCert, serverKey, clientCert, clientKey]) =>
        cloudInit({ role: "server", k3sVersion, token: t, privateIp: controlPlaneIp, publicIp: ip, ca: { serverCert, serverKey, clientCert, clientKey } }),
      ),
  );
}

export function agentUserData(
  k3sVersion: string,
  token: pulumi.Output<string>,
  media: boolean,
  publicIp?: pulumi.Output<string> | { metadataUrl: string },
): pulumi.Output<string> {
  const known = pulumi.Output.isInstance(publicIp) ? publicIp : undefined;
  const discovered = publicIp && !pulumi.Output.isInstance(publicIp) ? publicIp : undefined;
  return pulumi.secret(
    pulumi.all([token, known]).apply(([t, ip]) =>
      cloudInit({
        role: "agent",
        k3sVersion,
        token: t,
        serverIp: controlPlaneIp,
        media,
        ...(ip ? { publicIp: ip } : discovered ? { publicIp: discovered } : {}),
      }),
    ),
  );
}
