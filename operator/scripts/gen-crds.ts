// `make crds`: writes the generated CRD into crds/. A unit test fails when the file is stale.
import { writeFileSync } from "node:fs";
import { crdFile, renderCrd } from "../src/api/crd-file.ts";

writeFileSync(crdFile, renderCrd());
console.log(`wrote ${crdFile}`);
