// Monthly cost of a stack from its config file: node infra/scripts/cost.ts infra/programs/hetzner/Pulumi.<stack>.yaml
// With a benchmark's node figures (`make bench` writes .bench/nodes.json) as a second argument, also the media pool's
// month for that week of load, autoscaled (node boot 120 s) next to a fixed pool sized for its peak.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { hetznerClusterSchema, openstackClusterSchema, parseConfig } from "../src/config.ts";
import { clusterPools, estimateCost, mediaPoolCosts } from "../src/costs/estimate.ts";
import { hetznerPrices, openstackEquivalentPrices, pricesRetrieved } from "../src/costs/prices.ts";

const [file, nodesFile] = process.argv.slice(2);
if (!file) {
  console.error("usage: node infra/scripts/cost.ts path/to/Pulumi.<stack>.yaml [.bench/nodes.json]");
  process.exit(2);
}
const config = (parse(readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
const openstack = config["meetingfleet-openstack:cluster"];
const cluster = openstack
  ? parseConfig(openstackClusterSchema, "cluster", openstack)
  : parseConfig(hetznerClusterSchema, "cluster", config["meetingfleet-hetzner:cluster"]);
const estimate = estimateCost(clusterPools(cluster), openstack ? openstackEquivalentPrices : hetznerPrices);
for (const l of estimate.lines)
  console.log(`${l.role.padEnd(14)} ${String(l.count).padStart(3)} x ${l.flavor.padEnd(10)} ${l.eurPerMonth.toFixed(2).padStart(8)} EUR/month`);
console.log(
  `${"total".padEnd(31)} ${estimate.eurPerMonth.toFixed(2).padStart(8)} EUR/month (prices of ${pricesRetrieved}${openstack ? ", market equivalent of donated credit" : ""})`,
);
if (estimate.unpriced.length > 0) console.log(`not priced (add them to infra/src/costs/prices.ts): ${estimate.unpriced.join(", ")}`);
if (nodesFile) {
  const prices = openstack ? openstackEquivalentPrices : hetznerPrices;
  const price = prices[cluster.media.flavor];
  const week = (JSON.parse(readFileSync(nodesFile, "utf8")) as Array<{ trace: string; bootS?: number; nodeHours: number; peakNodes: number }>).find(
    (r) => r.trace === "week" && r.bootS === 120,
  );
  if (!price || !week) console.log(`media pool: no price for ${cluster.media.flavor}, or no "week" row at a 120 s node boot in ${nodesFile}`);
  else {
    const costs = mediaPoolCosts(week, price);
    console.log(
      `media pool for the benchmark's week (${week.nodeHours.toFixed(0)} node-hours, peak ${week.peakNodes} nodes of ${cluster.media.flavor}): ` +
        `autoscaled ${costs.autoscaledEurPerMonth.toFixed(2)} EUR/month, fixed for the peak ${costs.fixedForPeakEurPerMonth.toFixed(2)} EUR/month`,
    );
  }
}
