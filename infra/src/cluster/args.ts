// What every cluster component takes, whatever the provider: validated from stack config by config.ts.

export interface NodePoolArgs {
  count: number;
  flavor: string;
}

export interface ClusterArgs {
  adminCidr: string;
  sshPublicKey: string;
  /** k3s release, e.g. v1.35.4+k3s1. */
  k3sVersion: string;
  image: string;
  controlPlane: { flavor: string };
  workers: NodePoolArgs;
  /** Nodes for bridges only: public addresses, labelled and tainted. */
  media: NodePoolArgs;
  mediaPorts: { start: number; end: number };
}

/** The private network every provider builds; the control plane has a fixed address in it. */
export const privateCidr = "10.20.0.0/24";
export const controlPlaneIp = "10.20.0.10";
