import path from "node:path";
import { stringify } from "yaml";
import { meetingFleetCrd } from "./crd.ts";

export const crdFile = path.resolve(import.meta.dirname, "../../../crds/meet.meetingfleet.dev_meetingfleets.yaml");

export function renderCrd(): string {
  return `# Generated from operator/src/api/meetingfleet.ts by \`make crds\`. Do not edit.\n${stringify(meetingFleetCrd(), { lineWidth: 0 })}`;
}
