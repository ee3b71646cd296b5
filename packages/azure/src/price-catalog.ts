/**
 * Where each line of the Azure price table is found in the Azure Retail Prices API
 * (https://learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices):
 * the consumption item of a service and meter in a region. `freehold prices refresh` reads them.
 */
import type { PriceApiLine } from "@freehold/core";

const line = (key: string, unit: string, serviceName: string, meterName: string, extra: Partial<Extract<PriceApiLine, { api: "azure" }>> = {}): PriceApiLine => ({ api: "azure", key, unit, serviceName, meterName, ...extra });
const PG = "Azure Database for PostgreSQL";

export const PRICE_API: readonly PriceApiLine[] = [
  line("aca.vcpu", "vCPU-second", "Azure Container Apps", "Standard vCPU Active Usage"),
  line("aca.memory", "GiB-second", "Azure Container Apps", "Standard Memory Active Usage"),
  line("aca.requests", "1M requests", "Azure Container Apps", "Standard Requests"),
  line("pg.storage", "GB-month", PG, "Storage Data Stored", { productName: "Azure Database for PostgreSQL Flexible Server Storage" }),
  line("pg.backup", "GB-month", PG, "Backup Storage LRS Data Stored", { productName: "Azure Database for PostgreSQL Flexible Server Backup Storage" }),
  line("pg.Standard_B1ms", "hour", PG, "B1MS", { productName: "Azure Database for PostgreSQL Flexible Server Burstable BS Series Compute" }),
  line("pg.Standard_B2s", "hour", PG, "B2S", { productName: "Azure Database for PostgreSQL Flexible Server Burstable BS Series Compute" }),
  line("pg.Standard_B2ms", "hour", PG, "B2MS", { productName: "Azure Database for PostgreSQL Flexible Server Burstable BS Series Compute" }),
  line("pg.generalPurpose.vcore", "vCore-hour", PG, "vCore", { productName: "Azure Database for PostgreSQL Flexible Server General Purpose Ddsv5 Series Compute" }),
  line("pg.memoryOptimized.vcore", "vCore-hour", PG, "vCore", { productName: "Azure Database for PostgreSQL Flexible Server Memory Optimized Edsv5 Series Compute" }),
  line("blob.hot", "GB-month", "Storage", "Hot LRS Data Stored", { productName: "General Block Blob v2" }),
  line("blob.write", "10K operations", "Storage", "Hot LRS Write Operations", { productName: "General Block Blob v2" }),
  line("blob.read", "10K operations", "Storage", "Hot Read Operations", { productName: "General Block Blob v2" }),
  line("logs.ingest", "GB", "Log Analytics", "Analytics Logs Data Ingestion"),
];
