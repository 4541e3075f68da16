// Monthly prices per flavor, for the cost estimate in the infra README and `estimateCost`.
// Hetzner Cloud: hourly list prices (EUR, excl. VAT) as published on docs.cnap.tech/compute/providers/hetzner,
// read on 2026-11-23 (after Hetzner's 1 April 2026 price adjustment); a month is counted as 730 h
// (Hetzner caps a month slightly below that, so this is an upper bound).
// OpenStack donors (GARR Cloud and similar) charge research networks nothing or an internal rate: no list
// price exists, so a flavor is priced at the Hetzner x86 type of the same vCPU and memory (market
// equivalent of the donated credit). Flavors missing here are reported, never guessed.

export const pricesRetrieved = "2026-11-23";
export const hoursPerMonth = 730;

export interface FlavorPrice {
  vcpus: number;
  memoryGb: number;
  eurPerHour: number;
  source: string;
}

const cnap = "https://docs.cnap.tech/compute/providers/hetzner (Hetzner list prices), read 2026-11-23";

export const hetznerPrices: Record<string, FlavorPrice> = {
  cx23: { vcpus: 2, memoryGb: 4, eurPerHour: 0.006, source: cnap },
  cx33: { vcpus: 4, memoryGb: 8, eurPerHour: 0.011, source: cnap },
  cx43: { vcpus: 8, memoryGb: 16, eurPerHour: 0.021, source: cnap },
  cpx22: { vcpus: 3, memoryGb: 4, eurPerHour: 0.008, source: cnap },
  cpx32: { vcpus: 4, memoryGb: 8, eurPerHour: 0.016, source: cnap },
  cax21: { vcpus: 4, memoryGb: 8, eurPerHour: 0.007, source: cnap },
  cax31: { vcpus: 8, memoryGb: 16, eurPerHour: 0.013, source: cnap },
};

/** OpenStack flavors of the GARR-like sample, priced at the Hetzner type of the same shape. */
export const openstackEquivalentPrices: Record<string, FlavorPrice> = {
  "m1.medium": { ...hetznerPrices.cx23!, source: `market equivalent: Hetzner cx23 (2 vCPU, 4 GB); ${cnap}` },
  "m1.large": { ...hetznerPrices.cx33!, source: `market equivalent: Hetzner cx33 (4 vCPU, 8 GB); ${cnap}` },
  "m1.xlarge": { ...hetznerPrices.cx43!, source: `market equivalent: Hetzner cx43 (8 vCPU, 16 GB); ${cnap}` },
};
