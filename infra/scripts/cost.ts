// Monthly cost of a stack from its config file: node infra/scripts/cost.ts infra/programs/hetzner/Pulumi.<stack>.yaml
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { hetznerClusterSchema, openstackClusterSchema, parseConfig } from "../src/config.ts";
import { clusterPools, estimateCost } from "../src/costs/estimate.ts";
import { hetznerPrices, openstackEquivalentPrices, pricesRetrieved } from "../src/costs/prices.ts";

const file = process.argv[2];
if (!file) {
  console.error("usage: node infra/scripts/cost.ts path/to/Pulumi.<stack>.yaml");
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
