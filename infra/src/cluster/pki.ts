// The cluster's own CAs and an admin client certificate, made by Pulumi (@pulumi/tls) and handed to k3s
// through cloud-init: the kubeconfig is then known without reading anything back from the VM, and it
// only ever exists as a Pulumi secret.

import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

export interface ClusterPki {
  ca: { serverCert: pulumi.Output<string>; serverKey: pulumi.Output<string>; clientCert: pulumi.Output<string>; clientKey: pulumi.Output<string> };
  adminCert: pulumi.Output<string>;
  adminKey: pulumi.Output<string>;
}

const tenYears = 10 * 365 * 24;

function ca(name: string, commonName: string, parent: pulumi.Resource) {
  const key = new tls.PrivateKey(`${name}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent });
  const cert = new tls.SelfSignedCert(
    `${name}-cert`,
    {
      privateKeyPem: key.privateKeyPem,
      isCaCertificate: true,
      validityPeriodHours: tenYears,
      subject: { commonName },
      allowedUses: ["cert_signing", "crl_signing", "digital_signature", "key_encipherment"],
    },
    { parent },
  );
  return { key, cert };
}

export function clusterPki(name: string, parent: pulumi.Resource): ClusterPki {
  const server = ca(`${name}-server-ca`, "k3s-server-ca", parent);
  const client = ca(`${name}-client-ca`, "k3s-client-ca", parent);
  const adminKey = new tls.PrivateKey(`${name}-admin-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent });
  const request = new tls.CertRequest(
    `${name}-admin-csr`,
    { privateKeyPem: adminKey.privateKeyPem, subject: { commonName: "meetingfleet-admin", organization: "system:masters" } },
    { parent },
  );
  const admin = new tls.LocallySignedCert(
    `${name}-admin-cert`,
    {
      certRequestPem: request.certRequestPem,
      caPrivateKeyPem: client.key.privateKeyPem,
      caCertPem: client.cert.certPem,
      validityPeriodHours: 365 * 24,
      allowedUses: ["client_auth", "digital_signature", "key_encipherment"],
    },
    { parent },
  );
  return {
    ca: {
      serverCert: server.cert.certPem,
      serverKey: pulumi.secret(server.key.privateKeyPem),
      clientCert: client.cert.certPem,
      clientKey: pulumi.secret(client.key.privateKeyPem),
    },
    adminCert: admin.certPem,
    adminKey: pulumi.secret(adminKey.privateKeyPem),
  };
}

/** A kubeconfig for the admin, always a secret output. */
export function kubeconfig(name: string, server: pulumi.Input<string>, pki: ClusterPki): pulumi.Output<string> {
  const b64 = (pem: string) => Buffer.from(pem).toString("base64");
  return pulumi.secret(
    pulumi.all([server, pki.ca.serverCert, pki.adminCert, pki.adminKey]).apply(([address, caPem, certPem, keyPem]) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server: `https://${address}:6443`, "certificate-authority-data": b64(caPem) } }],
        users: [{ name: `${name}-admin`, user: { "client-certificate-data": b64(certPem), "client-key-data": b64(keyPem) } }],
        contexts: [{ name, context: { cluster: name, user: `${name}-admin` } }],
        "current-context": name,
      }),
    ),
  );
}
