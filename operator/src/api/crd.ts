// Turns the zod schemas into the MeetingFleet CustomResourceDefinition. zod's OpenAPI 3.0 output is close
// to a Kubernetes structural schema; what differs is fixed here: no additionalProperties: false (the API
// server prunes unknown fields itself), no JavaScript safe-integer bounds, string|integer unions become
// x-kubernetes-int-or-string (quantities), and no $schema.

import { z } from "zod";
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

export function meetingFleetCrd() {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}`, labels: { "app.kubernetes.io/name": "meetingfleet-operator" } },
    spec: {
      group,
      names: { kind, listKind: `${kind}List`, plural, singular: "meetingfleet", shortNames: ["mf", "fleet"], categories: ["meetingfleet"] },
      scope: "Namespaced",
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: {
            status: {},
            scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".status.selector" },
          },
          additionalPrinterColumns: [
            { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: "Desired", type: "integer", jsonPath: ".spec.replicas" },
            { name: "Bridges", type: "integer", jsonPath: ".status.readyReplicas", description: "Bridges ready for new conferences" },
            { name: "Draining", type: "integer", jsonPath: ".status.drainingReplicas" },
            { name: "Participants", type: "integer", jsonPath: ".status.participants" },
            { name: "Stress", type: "string", jsonPath: ".status.maxStress", description: "Highest bridge stress" },
            { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
          ],
          schema: {
            openAPIV3Schema: {
              type: "object",
              description: "A fleet of Jitsi Videobridges that the operator scales and drains without cutting meetings.",
              required: ["spec"],
              properties: {
                apiVersion: { type: "string", description: `${apiVersion}` },
                kind: { type: "string", description: kind },
                metadata: { type: "object" },
                spec: openApi(fleetSpecSchema),
                status: openApi(fleetStatusSchema),
              },
            },
          },
        },
      ],
    },
  };
}
