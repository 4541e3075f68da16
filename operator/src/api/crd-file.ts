import path from "node:path";
import { stringify } from "yaml";
import { meetingFleetCrd } from "./crd.ts";

export const crdFile = path.resolve(import.meta.dirname, "../../../crds/meet.meetingfleet.dev_meetingfleets.yaml");
/** The chart's copy (Helm reads only files inside the chart), rendered into templates/crds.yaml. */
export const chartCrdFile = path.resolve(import.meta.dirname, "../../../charts/meetingfleet-operator/crds-source/meet.meetingfleet.dev_meetingfleets.yaml");
export const crdFiles = [crdFile, chartCrdFile];

export function renderCrd(): string {
  return `# Generated from operator/src/api/meetingfleet.ts by \`make crds\`. Do not edit.\n${stringify(meetingFleetCrd(), { lineWidth: 0 })}`;
}
