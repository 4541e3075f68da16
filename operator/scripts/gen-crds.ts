// `make crds`: writes the generated CRD into crds/ and the chart. A unit test fails when either is stale.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { crdFiles, renderCrd } from "../src/api/crd-file.ts";

for (const file of crdFiles) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, renderCrd());
  console.log(`wrote ${file}`);
}
