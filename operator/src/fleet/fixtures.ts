// For tests of the decisions: a bridge pod that runs, is ready and has fresh figures, changed as a test needs.
import type { BridgeFigures, ObservedBridge } from "./plan.ts";

export function observedBridge(ordinal: number, over: Partial<ObservedBridge> = {}, figures: Partial<BridgeFigures> = {}): ObservedBridge {
  return {
    name: `f-${ordinal}`,
    ordinal,
    templateHash: "h",
    createdAt: 0,
    deleting: false,
    exited: false,
    running: true,
    ready: true,
    figures: { participants: 10, conferences: 1, stress: 0.1, drain: false, shuttingDown: false, readAt: 0, ...figures },
    ...over,
  };
}
