// `make crds`: writes the generated CRDs into crds/ and the chart. A unit test fails when any is stale.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { crdOutputs } from "../src/api/crd-file.ts";

for (const { files, render } of crdOutputs) {
  for (const file of files) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, render());
    console.log(`wrote ${file}`);
  }
}
