// cloud-init for the nodes: k3s server (control plane) or agent, with the cluster's own CA written in
// place before k3s first starts, so the kubeconfig can be built without reading anything back from the
// VM. Media nodes are labelled and tainted so that only bridges run there.

export const mediaLabel = "meet.meetingfleet.dev/media";
/** Taint on media nodes; the MeetingFleet's template tolerates it. */
export const mediaTaint = `${mediaLabel}=true:NoSchedule`;

export interface ServerInit {
  role: "server";
  k3sVersion: string;
  token: string;
  privateIp: string;
  publicIp: string;
  /** PEM files k3s would otherwise generate: server and client CAs. */
  ca: { serverCert: string; serverKey: string; clientCert: string; clientKey: string };
}

export interface AgentInit {
  role: "agent";
  k3sVersion: string;
  token: string;
  serverIp: string;
  media: boolean;
  /**
   * The node's public address (floating or primary IP), announced as its ExternalIP; or a metadata URL that
   * answers it at boot, for nodes a node autoscaler creates (their address is not known beforehand).
   */
  publicIp?: string | { metadataUrl: string };
}

const indent = (text: string, spaces: number) =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => " ".repeat(spaces) + l)
    .join("\n");

function file(path: string, content: string, permissions = "0600"): string {
  return `  - path: ${path}\n    permissions: "${permissions}"\n    content: |\n${indent(content, 6)}`;
}

export function cloudInit(init: ServerInit | AgentInit): string {
  const env = `INSTALL_K3S_VERSION=${init.k3sVersion} K3S_TOKEN=${init.token}`;
  if (init.role === "server") {
    const tls = "/var/lib/rancher/k3s/server/tls";
    const config = [
      `node-ip: ${init.privateIp}`,
      `advertise-address: ${init.privateIp}`,
      "tls-san:",
      `  - ${init.publicIp}`,
      `  - ${init.privateIp}`,
      // k3s's bundled Traefik stays: it is the default IngressClass the Jitsi web front uses.
      'write-kubeconfig-mode: "0600"',
    ].join("\n");
    return [
      "#cloud-config",
      "write_files:",
      file(`${tls}/server-ca.crt`, init.ca.serverCert, "0644"),
      file(`${tls}/server-ca.key`, init.ca.serverKey),
      file(`${tls}/client-ca.crt`, init.ca.clientCert, "0644"),
      file(`${tls}/client-ca.key`, init.ca.clientKey),
      file("/etc/rancher/k3s/config.yaml", config),
      "runcmd:",
      `  - curl -sfL https://get.k3s.io | ${env} sh -s - server`,
      "",
    ].join("\n");
  }
  const knownIp = typeof init.publicIp === "string" ? init.publicIp : undefined;
  const config = [
    `server: https://${init.serverIp}:6443`,
    ...(knownIp ? [`node-external-ip: ${knownIp}`] : []),
    ...(init.media ? ["node-label:", `  - ${mediaLabel}=true`, "node-taint:", `  - ${mediaTaint}`] : []),
  ].join("\n");
  return [
    "#cloud-config",
    "write_files:",
    file("/etc/rancher/k3s/config.yaml", config),
    "runcmd:",
    ...(typeof init.publicIp === "object"
      ? // Quoted: the command holds ": ", which YAML would read as a mapping.
        [`  - 'echo "node-external-ip: $(curl -sf --retry 10 ${init.publicIp.metadataUrl})" >> /etc/rancher/k3s/config.yaml'`]
      : []),
    `  - curl -sfL https://get.k3s.io | ${env} sh -s - agent`,
    "",
  ].join("\n");
}
