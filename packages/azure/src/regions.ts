/**
 * Azure's paired regions for the regions Freehold maps to, where the platform keeps copies of some data: Key Vault
 * replicates a vault's contents to its pair (https://learn.microsoft.com/azure/key-vault/general/disaster-recovery-guidance),
 * and geo-redundant backups and storage go there. Pairs: https://learn.microsoft.com/azure/reliability/cross-region-replication-azure#azure-paired-regions
 */
export const PAIRED_REGIONS: Readonly<Record<string, string>> = {
  uksouth: "ukwest",
  ukwest: "uksouth",
  northeurope: "westeurope",
  westeurope: "northeurope",
  germanywestcentral: "germanynorth",
  francecentral: "francesouth",
  eastus: "westus",
};

/** Where a copy of data kept in `region` also lives, as ComponentDescription.dataLocations: the pair, when there is one. */
export function pairCopy(region: string, use: string): Array<{ region: string; use: string }> {
  const pair = PAIRED_REGIONS[region];
  return pair ? [{ region: pair, use }] : [];
}
