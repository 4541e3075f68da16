import path from "node:path";
import { stringify } from "yaml";
import { donorCrd, meetingFleetCrd } from "./crd.ts";

const root = path.resolve(import.meta.dirname, "../../..");

/** Each CRD: where it is written (crds/, and the chart's copy: Helm reads only files inside the chart) and its text. */
export const crdOutputs = [
  { file: "meet.meetingfleet.dev_meetingfleets.yaml", source: "operator/src/api/meetingfleet.ts", crd: meetingFleetCrd },
  { file: "meet.meetingfleet.dev_donors.yaml", source: "operator/src/api/donor.ts", crd: donorCrd },
].map(({ file, source, crd }) => ({
  files: [path.join(root, "crds", file), path.join(root, "charts/meetingfleet-operator/crds-source", file)],
  render: () => `# Generated from ${source} by \`make crds\`. Do not edit.\n${stringify(crd(), { lineWidth: 0 })}`,
}));
