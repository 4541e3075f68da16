// Stack config of the infra programs, validated with zod so a typo fails `pulumi up` before anything is
// created, naming the key. Credentials never live here: OpenStack reads OS_* / clouds.yaml from the
// environment, Hetzner's token is the secret config `hcloud:token`.

import { z } from "zod";

const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, "must be an IPv4 CIDR such as 192.0.2.0/24");
const pool = (maxCount: number) => z.object({ count: z.number().int().min(0).max(maxCount), flavor: z.string().min(1) });

const clusterBase = z.object({
  adminCidr: cidr.refine((c) => !c.endsWith("/0"), "must not be the whole Internet: SSH and the Kubernetes API open only to the admins"),
  sshPublicKey: z.string().regex(/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256) /, "must be an OpenSSH public key"),
  k3sVersion: z
    .string()
    .regex(/^v\d+\.\d+\.\d+\+k3s\d+$/, "must be a k3s release such as v1.35.4+k3s1")
    .default("v1.35.4+k3s1"),
  image: z.string().min(1),
  controlPlane: z.object({ flavor: z.string().min(1) }),
  workers: pool(50),
  media: pool(100).refine((p) => p.count >= 1, "media.count: at least one media node carries the bridges"),
  mediaPorts: z
    .object({ start: z.number().int().min(1024).max(65535), end: z.number().int().min(1024).max(65535) })
    .refine((r) => r.start <= r.end, "mediaPorts.start must be <= end")
    .default({ start: 10000, end: 10000 }),
});

export const openstackClusterSchema = clusterBase.extend({
  externalNetworkName: z.string().min(1),
  externalNetworkId: z.string().min(1),
});

export const hetznerClusterSchema = clusterBase.extend({
  location: z.string().min(1).default("fsn1"),
  networkZone: z.string().min(1).default("eu-central"),
  /** Media servers beyond media.count, made and removed by the cluster-autoscaler (needs hcloud:token). */
  mediaAutoscaling: z
    .object({ min: z.number().int().min(0), max: z.number().int().min(1).max(100) })
    .refine((a) => a.min <= a.max, "mediaAutoscaling.min must be <= max")
    .optional(),
});

export const platformSchema = z.object({
  operatorNamespace: z.string().min(1).default("meetingfleet-system"),
  jitsiNamespace: z.string().min(1).default("jitsi"),
  operatorImage: z.object({ repository: z.string().min(1), tag: z.string().min(1) }).optional(),
  installCrds: z.boolean().default(true),
  monitoring: z
    .object({ enabled: z.boolean().default(false), namespace: z.string().min(1).default("monitoring"), chartVersion: z.string().optional() })
    .prefault({}),
  certManager: z.object({ enabled: z.boolean().default(false), email: z.string().email().optional(), chartVersion: z.string().optional() }).prefault({}),
  jitsi: z.object({
    domain: z.string().regex(/^[a-z0-9.-]+$/, "must be a host name"),
    imageTag: z.string().min(1).default("stable"),
    ingressClassName: z.string().optional(),
    /** false where Services get no endpoints or the Ingress no address (no ingress controller, the kwok test bed). */
    waitForAddresses: z.boolean().default(true),
  }),
  fleet: z
    .object({
      name: z
        .string()
        .regex(/^[a-z0-9-]+$/)
        .default("bridges"),
      replicas: z.number().int().min(0).default(2),
      minReplicas: z.number().int().min(0).default(1),
      maxReplicas: z.number().int().min(1).default(10),
      /** Unset: the CRD's default. */
      drainDeadline: z.string().optional(),
      bridgeImage: z.string().min(1).default("jitsi/jvb:stable"),
      onMediaNodes: z.boolean().default(true),
      autoscaling: z.record(z.string(), z.unknown()).optional(),
    })
    .refine((f) => f.minReplicas <= f.maxReplicas, "fleet.minReplicas must be <= fleet.maxReplicas")
    .prefault({}),
});

export type OpenStackClusterConfig = z.output<typeof openstackClusterSchema>;
export type HetznerClusterConfig = z.output<typeof hetznerClusterSchema>;
export type PlatformConfig = z.output<typeof platformSchema>;

/** Parses one structured config value, or throws naming every bad key under `key`. */
export function parseConfig<S extends z.ZodType>(schema: S, key: string, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${[key, ...i.path.map(String)].join(".")}: ${i.message}`);
  throw new Error(`invalid stack config:\n  ${problems.join("\n  ")}`);
}
