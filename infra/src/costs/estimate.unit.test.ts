import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { hetznerClusterSchema, openstackClusterSchema, parseConfig } from "../config.ts";
import { clusterPools, estimateCost, mediaPoolCosts } from "./estimate.ts";
import { hetznerPrices, hoursPerMonth, openstackEquivalentPrices } from "./prices.ts";

const programs = path.resolve(import.meta.dirname, "../../programs");
const sample = (file: string, key: string) => (parse(readFileSync(path.join(programs, file), "utf8")) as { config: Record<string, unknown> }).config[key];

describe("cost estimate", () => {
  test("node count x hourly price x 730 h, per pool and in total", () => {
    const e = estimateCost(
      [
        { role: "media", count: 4, flavor: "cx43" },
        { role: "workers", count: 1, flavor: "cx33" },
      ],
      hetznerPrices,
    );
    expect(e.lines.map((l) => l.eurPerMonth)).toEqual([Math.round(4 * 0.021 * hoursPerMonth * 100) / 100, Math.round(0.011 * hoursPerMonth * 100) / 100]);
    expect(e.eurPerMonth).toBeCloseTo(61.32 + 8.03, 2);
    expect(e.unpriced).toEqual([]);
  });

  test("a week of media load costs its node-hours scaled to a month autoscaled, and its peak all month fixed", () => {
    // 1,000 node-hours in a week with a peak of 20 nodes, on cx43 (0.021 EUR/h).
    expect(mediaPoolCosts({ nodeHours: 1000, peakNodes: 20 }, hetznerPrices.cx43!)).toEqual({
      autoscaledEurPerMonth: Math.round(((1000 * 730) / 168) * 0.021 * 100) / 100,
      fixedForPeakEurPerMonth: Math.round(20 * 730 * 0.021 * 100) / 100,
    });
  });

  test("a flavor missing from the table is reported, never guessed", () => {
    expect(estimateCost([{ role: "media", count: 2, flavor: "gpu-huge" }], hetznerPrices)).toEqual({ lines: [], eurPerMonth: 0, unpriced: ["gpu-huge"] });
  });

  test("the sample stacks are valid config and fully priced (the README's figures)", () => {
    const garr = parseConfig(openstackClusterSchema, "cluster", sample("openstack/Pulumi.garr-example.yaml", "meetingfleet-openstack:cluster"));
    const hetzner = parseConfig(hetznerClusterSchema, "cluster", sample("hetzner/Pulumi.hetzner-example.yaml", "meetingfleet-hetzner:cluster"));
    const garrCost = estimateCost(clusterPools(garr), openstackEquivalentPrices);
    const hetznerCost = estimateCost(clusterPools(hetzner), hetznerPrices);
    expect(garrCost.unpriced).toEqual([]);
    expect(hetznerCost.unpriced).toEqual([]);
    // 3 x m1.large (cx33) + 3 x m1.xlarge (cx43); 2 x cx33 + 4 x cx43.
    expect(garrCost.eurPerMonth).toBeCloseTo(3 * 0.011 * 730 + 3 * 0.021 * 730, 1);
    expect(hetznerCost.eurPerMonth).toBeCloseTo(2 * 0.011 * 730 + 4 * 0.021 * 730, 1);
  });
});
