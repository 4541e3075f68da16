// `make manifests`: writes charts/manifests/ from the chart. A test fails when they are stale.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { manifestsDir, renderManifests } from "./helm.ts";

writeFileSync(path.join(manifestsDir, "meetingfleet-operator.yaml"), await renderManifests());
console.log(`wrote ${path.join(manifestsDir, "meetingfleet-operator.yaml")}`);
