// What a Jitsi cluster opens, and to whom, for every provider: media and the web front to the world,
// the Kubernetes API and SSH only to the admins' CIDR, everything between nodes on the private network.
// Providers translate these rules into their own security groups or firewalls.

export interface IngressRule {
  description: string;
  protocol: "tcp" | "udp";
  portMin: number;
  portMax: number;
  /** CIDR allowed in. */
  from: string;
  /** Only on media nodes (which carry the bridges' UDP ports). */
  mediaOnly: boolean;
}

export interface FirewallPolicyInput {
  adminCidr: string;
  /** UDP ports the bridges use on media nodes (HostPort or NodePort range). */
  mediaPorts: { start: number; end: number };
}

export const world = "0.0.0.0/0";

export function firewallPolicy(input: FirewallPolicyInput): IngressRule[] {
  if (input.adminCidr === world || input.adminCidr.endsWith("/0")) {
    throw new Error(`adminCidr ${input.adminCidr} would open SSH and the Kubernetes API to the whole Internet; give the admins' network`);
  }
  return [
    {
      description: "Jitsi media (bridges' UDP ports)",
      protocol: "udp",
      portMin: input.mediaPorts.start,
      portMax: input.mediaPorts.end,
      from: world,
      mediaOnly: true,
    },
    { description: "web front and TURN over TLS", protocol: "tcp", portMin: 443, portMax: 443, from: world, mediaOnly: false },
    { description: "HTTP, for ACME challenges and the redirect to HTTPS", protocol: "tcp", portMin: 80, portMax: 80, from: world, mediaOnly: false },
    { description: "SSH from the admins", protocol: "tcp", portMin: 22, portMax: 22, from: input.adminCidr, mediaOnly: false },
    { description: "Kubernetes API from the admins", protocol: "tcp", portMin: 6443, portMax: 6443, from: input.adminCidr, mediaOnly: false },
  ];
}
