// Turns the zod schemas into the CustomResourceDefinitions (MeetingFleet, Donor). zod's OpenAPI 3.0 output is close
// to a Kubernetes structural schema; what differs is fixed here: no additionalProperties: false (the API
// server prunes unknown fields itself), no JavaScript safe-integer bounds, string|integer unions become
// x-kubernetes-int-or-string (quantities), and no $schema.

import { z } from "zod";
import { donorKind, donorPlural, donorSpecSchema, donorStatusSchema } from "./donor.ts";
import { apiVersion, fleetSpecSchema, fleetStatusSchema, group, kind, plural, version } from "./meetingfleet.ts";

type JsonSchema = { [key: string]: unknown };
const safeInteger = Number.MAX_SAFE_INTEGER;

export function toStructural(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toStructural);
  if (node === null || typeof node !== "object") return node;
  const schema = node as JsonSchema;
  const anyOf = schema.anyOf as JsonSchema[] | undefined;
  if (anyOf && anyOf.length === 2 && anyOf.some((s) => s.type === "string") && anyOf.some((s) => s.type === "integer")) {
    const { anyOf: _, ...rest } = schema;
    return { ...(toStructural(rest) as JsonSchema), "x-kubernetes-int-or-string": true };
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$schema") continue;
    if (key === "additionalProperties" && value === false) continue;
    if ((key === "maximum" && value === safeInteger) || (key === "minimum" && value === -safeInteger)) continue;
    out[key] = toStructural(value);
  }
  return out;
}

const openApi = (schema: z.ZodType) => toStructural(z.toJSONSchema(schema, { target: "openapi-3.0", io: "input" })) as JsonSchema;

interface CrdDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  /** Not for Donors: a category named like MeetingFleet's singular makes `kubectl get meetingfleet X` ambiguous. */
  categories?: string[];
  description: string;
  spec: z.ZodType;
  status: z.ZodType;
  subresources: Record<string, unknown>;
  printerColumns: Array<{ name: string; type: string; jsonPath: string; description?: string; priority?: number }>;
}

function customResourceDefinition(d: CrdDefinition) {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${d.plural}.${group}`, labels: { "app.kubernetes.io/name": "meetingfleet-operator" } },
    spec: {
      group,
      names: {
        kind: d.kind,
        listKind: `${d.kind}List`,
        plural: d.plural,
        singular: d.singular,
        // An empty list is left out: Helm's rendering drops it, and a server-side apply would then conflict over it.
        ...(d.shortNames.length > 0 ? { shortNames: d.shortNames } : {}),
        ...(d.categories ? { categories: d.categories } : {}),
      },
      scope: "Namespaced",
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: d.subresources,
          additionalPrinterColumns: d.printerColumns,
          schema: {
            openAPIV3Schema: {
              type: "object",
              description: d.description,
              required: ["spec"],
              properties: {
                apiVersion: { type: "string", description: `${apiVersion}` },
                kind: { type: "string", description: d.kind },
                metadata: { type: "object" },
                spec: openApi(d.spec),
                status: openApi(d.status),
              },
            },
          },
        },
      ],
    },
  };
}

export function meetingFleetCrd() {
  return customResourceDefinition({
    kind,
    plural,
    singular: "meetingfleet",
    shortNames: ["mf", "fleet"],
    categories: ["meetingfleet"],
    description: "A fleet of Jitsi Videobridges that the operator scales and drains without cutting meetings.",
    spec: fleetSpecSchema,
    status: fleetStatusSchema,
    subresources: {
      status: {},
      scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".status.selector" },
    },
    printerColumns: [
      { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: "Desired", type: "integer", jsonPath: ".spec.replicas" },
      { name: "Bridges", type: "integer", jsonPath: ".status.readyReplicas", description: "Bridges ready for new conferences" },
      { name: "Draining", type: "integer", jsonPath: ".status.drainingReplicas" },
      { name: "Participants", type: "integer", jsonPath: ".status.participants" },
      { name: "Stress", type: "string", jsonPath: ".status.maxStress", description: "Highest bridge stress" },
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
    ],
  });
}

export function donorCrd() {
  return customResourceDefinition({
    kind: donorKind,
    plural: donorPlural,
    singular: "donor",
    shortNames: [],
    description: "A donated deployment the directory sends meetings to, with the directory's verdict on it.",
    spec: donorSpecSchema,
    status: donorStatusSchema,
    subresources: { status: {} },
    printerColumns: [
      { name: "Phase", type: "string", jsonPath: ".status.phase" },
      { name: "URL", type: "string", jsonPath: ".spec.url" },
      { name: "Region", type: "string", jsonPath: ".spec.region" },
      { name: "Reason", type: "string", jsonPath: ".status.reason", priority: 1 },
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
    ],
  });
}
