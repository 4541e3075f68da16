// The real Jicofo of the BRIDGES=jvb test bed as the tests see it: its REST /stats and /debug, where each
// bridge is listed under its MUC nickname (the bridge pod's name) with the state Jicofo last learnt from
// the bridge's presence: drain, graceful shutdown, operational.

import type { Testbed } from "./testbed.ts";

export interface JicofoBridge {
  drain: boolean;
  "graceful-shutdown": boolean;
  "shutting-down": boolean;
  operational: boolean;
  endpoints: number;
}

function jicofoUrl(bed: Testbed): string {
  if (!bed.jitsi) throw new Error("no Jicofo on this test bed: BRIDGES=jvb make cluster-up");
  return bed.jitsi.jicofoUrl;
}

export async function jicofoSelector(bed: Testbed): Promise<{ bridge_count: number; operational_bridge_count: number }> {
  const stats = (await (await fetch(`${jicofoUrl(bed)}/stats`)).json()) as { bridge_selector: { bridge_count: number; operational_bridge_count: number } };
  return stats.bridge_selector;
}

/** Jicofo's view of the bridge whose MUC nickname is `pod`, if it knows one. */
export async function jicofoBridge(bed: Testbed, pod: string): Promise<JicofoBridge | undefined> {
  const debug = (await (await fetch(`${jicofoUrl(bed)}/debug`)).json()) as { bridge_selector?: { bridge?: Record<string, JicofoBridge> } };
  const bridges = debug.bridge_selector?.bridge ?? {};
  const jid = Object.keys(bridges).find((j) => j.endsWith(`/${pod}`));
  return jid ? bridges[jid] : undefined;
}
