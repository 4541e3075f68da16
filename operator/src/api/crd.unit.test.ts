import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { donorCrd, meetingFleetCrd, toStructural } from "./crd.ts";
import { crdOutputs } from "./crd-file.ts";
import { fleetSpecSchema } from "./meetingfleet.ts";

describe("the CRDs (MeetingFleet, Donor)", () => {
  test("crds/ and the chart's copies are generated from the zod schemas and up to date (run `make crds` after changing the API)", () => {
    for (const { files, render } of crdOutputs) for (const file of files) expect(readFileSync(file, "utf8")).toBe(render());
  });

  test("is structural: every object has properties or additionalProperties, no additionalProperties: false", () => {
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) {
        for (const [i, n] of node.entries()) visit(n, `${path}[${i}]`);
        return;
      }
      if (node === null || typeof node !== "object") return;
      const schema = node as Record<string, unknown>;
      expect({ path, additionalProperties: schema.additionalProperties }).not.toEqual({ path, additionalProperties: false });
      if (schema.type === "object" && path.endsWith("spec")) expect(schema.properties).toBeDefined();
      for (const [k, v] of Object.entries(schema)) visit(v, `${path}.${k}`);
    };
    for (const crd of [meetingFleetCrd(), donorCrd()]) visit(crd.spec.versions[0]?.schema, crd.spec.names.kind);
  });

  test("every spec field has a description for kubectl explain", () => {
    const missing: string[] = [];
    const visit = (node: Record<string, unknown>, path: string) => {
      for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (!child.description) missing.push(`${path}.${name}`);
        visit(child, `${path}.${name}`);
        if (child.items) visit(child.items as Record<string, unknown>, `${path}.${name}[]`);
      }
    };
    for (const { render } of crdOutputs) {
      const crd = parse(render().split("\n").slice(1).join("\n"));
      visit(crd.spec.versions[0].schema.openAPIV3Schema.properties.spec, `${crd.spec.names.kind}.spec`);
    }
    expect(missing).toEqual([]);
  });

  test("quantities become int-or-string, safe-integer bounds disappear", () => {
    expect(toStructural({ anyOf: [{ type: "string" }, { type: "integer", maximum: Number.MAX_SAFE_INTEGER }], description: "q" })).toEqual({
      description: "q",
      "x-kubernetes-int-or-string": true,
    });
    expect(toStructural({ type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER })).toEqual({ type: "integer", minimum: 0 });
  });

  test("the samples are valid fleets", () => {
    for (const file of ["hostport-fleet.yaml", "nodeport-fleet.yaml"]) {
      const docs = readFileSync(new URL(`../../../crds/samples/${file}`, import.meta.url), "utf8")
        .split(/^---$/m)
        .map((d) => parse(d));
      const fleet = docs.find((d) => d.kind === "MeetingFleet");
      expect(fleetSpecSchema.safeParse(fleet.spec).success).toBe(true);
    }
  });
});
