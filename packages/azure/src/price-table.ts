/**
 * Azure list prices, USD, pay-as-you-go, per region: every line with its source,
 * date, region and meter. `freehold prices refresh --cloud azure` rewrites the
 * lines it finds in the Azure Retail Prices API; lines marked `estimate` were not
 * found in a citable copy and are counted as estimates in every report.
 * docs/costs.md says how to add a line.
 */
import type { PriceTable } from "@freehold/core";

export const PRICE_TABLE: PriceTable = 
{
  "cloud": "azure",
  "referenceRegion": "uksouth",
  "global": {
    "egress.internet": {
      "usd": 0.087,
      "unit": "GB",
      "source": {
        "name": "Internet egress (Microsoft premium global network) after the first 100 GB/month, first 10 TB from Europe and North America: third-party summary of the bandwidth pricing page",
        "date": "2026-12-06",
        "url": "https://azure.microsoft.com/pricing/details/bandwidth/",
        "estimate": true,
        "sku": "Data Transfer Out"
      }
    },
    "dns.privateZone": {
      "usd": 0.5,
      "unit": "zone-month",
      "source": {
        "name": "Azure DNS private zone, first 25 zones: not in a stored copy of the API",
        "date": "2026-12-06",
        "url": "https://azure.microsoft.com/pricing/details/dns/",
        "estimate": true,
        "sku": "Private Zone"
      }
    },
    "kv.operations": {
      "usd": 0.03,
      "unit": "10K operations",
      "source": {
        "name": "Key Vault Standard secret operations: not in a stored copy of the API",
        "date": "2026-12-06",
        "url": "https://azure.microsoft.com/pricing/details/key-vault/",
        "estimate": true,
        "sku": "Operations"
      }
    },
    "backup.pgflex.instance": {
      "usd": 10,
      "unit": "instance-month",
      "source": {
        "name": "Azure Backup protected instance, Azure Database for PostgreSQL flexible server (vaulted long-term retention): not in a stored copy of the API; taken as Azure Backup's fee for a 50-500 GB protected instance",
        "date": "2026-12-06",
        "url": "https://azure.microsoft.com/pricing/details/backup/",
        "estimate": true,
        "sku": "Protected Instances"
      }
    },
    "backup.vault.lrs": {
      "usd": 0.0224,
      "unit": "GB-month",
      "source": {
        "name": "Azure Backup vault-standard storage, locally redundant, East US as on the pricing page: not in a stored copy of the API",
        "date": "2026-12-06",
        "url": "https://azure.microsoft.com/pricing/details/backup/",
        "estimate": true,
        "sku": "LRS Data Stored"
      }
    }
  },
  "regions": {
    "uksouth": {
      "aca.vcpu": {
        "usd": 3.4e-05,
        "unit": "vCPU-second",
        "source": {
          "name": "Azure Retail Prices API, uksouth, Azure Container Apps, meter \"Standard vCPU Active Usage\": the figure is from an earlier capture of the API that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-06",
          "url": "https://prices.azure.com/api/retail/prices?$filter=armRegionName eq 'uksouth' and meterName eq 'Standard vCPU Active Usage'",
          "estimate": true,
          "region": "uksouth",
          "sku": "Standard vCPU Active Usage"
        }
      },
      "aca.memory": {
        "usd": 4e-06,
        "unit": "GiB-second",
        "source": {
          "name": "Azure Retail Prices API, uksouth, Azure Container Apps, meter \"Standard Memory Active Usage\": the figure is from an earlier capture of the API that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-06",
          "url": "https://prices.azure.com/api/retail/prices?$filter=armRegionName eq 'uksouth' and meterName eq 'Standard Memory Active Usage'",
          "estimate": true,
          "region": "uksouth",
          "sku": "Standard Memory Active Usage"
        }
      },
      "aca.requests": {
        "usd": 0.4,
        "unit": "1M requests",
        "source": {
          "name": "Azure Retail Prices API, uksouth, Azure Container Apps, meter \"Standard Requests\": the figure is from an earlier capture of the API that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-06",
          "url": "https://prices.azure.com/api/retail/prices?$filter=armRegionName eq 'uksouth' and meterName eq 'Standard Requests'",
          "estimate": true,
          "region": "uksouth",
          "sku": "Standard Requests"
        }
      },
      "pg.storage": {
        "usd": 0.133,
        "unit": "GB-month",
        "source": {
          "name": "Azure Retail Prices API, uksouth, Azure Database for PostgreSQL Flexible Server Storage, meter \"Storage Data Stored\": the figure is from an earlier capture of the API that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-06",
          "url": "https://prices.azure.com/api/retail/prices?$filter=armRegionName eq 'uksouth' and meterName eq 'Storage Data Stored'",
          "estimate": true,
          "region": "uksouth",
          "sku": "Storage Data Stored"
        }
      },
      "pg.backup": {
        "usd": 0.095,
        "unit": "GB-month",
        "source": {
          "name": "Backup storage beyond 100% of provisioned storage (LRS), uksouth: not in a stored copy of the API",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/postgresql/flexible-server/",
          "estimate": true,
          "region": "uksouth",
          "sku": "Backup Storage LRS Data Stored"
        }
      },
      "pg.Standard_B1ms": {
        "usd": 0.019,
        "unit": "hour",
        "source": {
          "name": "Azure Retail Prices API, uksouth, Azure Database for PostgreSQL Flexible Server Burstable BS Series Compute, meter \"B1MS\": the figure is from an earlier capture of the API that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-06",
          "url": "https://prices.azure.com/api/retail/prices?$filter=armRegionName eq 'uksouth' and meterName eq 'B1MS'",
          "estimate": true,
          "region": "uksouth",
          "sku": "B1MS"
        }
      },
      "pg.Standard_B2s": {
        "usd": 0.076,
        "unit": "hour",
        "source": {
          "name": "Azure Retail Prices API, uksouth, Azure Database for PostgreSQL Flexible Server Burstable BS Series Compute, meter \"B2S\": the figure is from an earlier capture of the API that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-06",
          "url": "https://prices.azure.com/api/retail/prices?$filter=armRegionName eq 'uksouth' and meterName eq 'B2S'",
          "estimate": true,
          "region": "uksouth",
          "sku": "B2S"
        }
      },
      "pg.Standard_B2ms": {
        "usd": 0.152,
        "unit": "hour",
        "source": {
          "name": "Burstable price doubles with each size step from B2s ($0.076/h), as it does in East US; uksouth price not found",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/postgresql/flexible-server/",
          "estimate": true,
          "region": "uksouth",
          "sku": "B2MS"
        }
      },
      "pg.Standard_B4ms": {
        "usd": 0.304,
        "unit": "hour",
        "source": {
          "name": "Burstable price doubles with each size step from B2s ($0.076/h), as it does in East US; uksouth price not found",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/postgresql/flexible-server/",
          "estimate": true,
          "region": "uksouth",
          "sku": "B4MS"
        }
      },
      "pg.Standard_B8ms": {
        "usd": 0.608,
        "unit": "hour",
        "source": {
          "name": "Burstable price doubles with each size step from B2s ($0.076/h), as it does in East US; uksouth price not found",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/postgresql/flexible-server/",
          "estimate": true,
          "region": "uksouth",
          "sku": "B8MS"
        }
      },
      "pg.Standard_B12ms": {
        "usd": 0.912,
        "unit": "hour",
        "source": {
          "name": "Burstable price doubles with each size step from B2s ($0.076/h), as it does in East US; uksouth price not found",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/postgresql/flexible-server/",
          "estimate": true,
          "region": "uksouth",
          "sku": "B12MS"
        }
      },
      "pg.Standard_B16ms": {
        "usd": 1.216,
        "unit": "hour",
        "source": {
          "name": "Burstable price doubles with each size step from B2s ($0.076/h), as it does in East US; uksouth price not found",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/postgresql/flexible-server/",
          "estimate": true,
          "region": "uksouth",
          "sku": "B16MS"
        }
      },
      "pg.Standard_B20ms": {
        "usd": 1.52,
        "unit": "hour",
        "source": {
          "name": "Burstable price doubles with each size step from B2s ($0.076/h), as it does in East US; uksouth price not found",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/postgresql/flexible-server/",
          "estimate": true,
          "region": "uksouth",
          "sku": "B20MS"
        }
      },
      "pg.generalPurpose.vcore": {
        "usd": 0.103,
        "unit": "vCore-hour",
        "source": {
          "name": "General Purpose Ddsv5, uksouth: not found; Ddsv4 is $0.103 per vCore-hour in an earlier capture of the API that cannot be cited, and Ddsv5 is taken as the same per vCore",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/postgresql/flexible-server/",
          "estimate": true,
          "region": "uksouth",
          "sku": "vCore"
        }
      },
      "pg.memoryOptimized.vcore": {
        "usd": 0.131,
        "unit": "vCore-hour",
        "source": {
          "name": "Memory Optimized Edsv5, uksouth: not found; 1.27x the General Purpose vCore price (E2ds_v5 / D2ds_v5 VM price ratio)",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/postgresql/flexible-server/",
          "estimate": true,
          "region": "uksouth",
          "sku": "vCore"
        }
      },
      "blob.hot": {
        "usd": 0.0192,
        "unit": "GB-month",
        "source": {
          "name": "Azure Retail Prices API, uksouth, General Block Blob v2, meter \"Hot LRS Data Stored\": the figure is from an earlier capture of the API that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-06",
          "url": "https://prices.azure.com/api/retail/prices?$filter=armRegionName eq 'uksouth' and meterName eq 'Hot LRS Data Stored'",
          "estimate": true,
          "region": "uksouth",
          "sku": "Hot LRS Data Stored"
        }
      },
      "blob.write": {
        "usd": 0.059,
        "unit": "10K operations",
        "source": {
          "name": "Azure Retail Prices API, uksouth, General Block Blob v2, meter \"Hot LRS Write Operations\": the figure is from an earlier capture of the API that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-06",
          "url": "https://prices.azure.com/api/retail/prices?$filter=armRegionName eq 'uksouth' and meterName eq 'Hot LRS Write Operations'",
          "estimate": true,
          "region": "uksouth",
          "sku": "Hot LRS Write Operations"
        }
      },
      "blob.read": {
        "usd": 0.0047,
        "unit": "10K operations",
        "source": {
          "name": "Azure Retail Prices API, uksouth, General Block Blob v2, meter \"Hot Read Operations\": the figure is from an earlier capture of the API that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-06",
          "url": "https://prices.azure.com/api/retail/prices?$filter=armRegionName eq 'uksouth' and meterName eq 'Hot Read Operations'",
          "estimate": true,
          "region": "uksouth",
          "sku": "Hot Read Operations"
        }
      },
      "logs.ingest": {
        "usd": 2.99,
        "unit": "GB",
        "source": {
          "name": "Log Analytics Pay-As-You-Go (PerGB2018) Analytics Logs data ingestion, uksouth: not in a stored copy of the API (East US lists $2.30/GB; UK South is higher)",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/monitor/",
          "estimate": true,
          "region": "uksouth",
          "sku": "Analytics Logs Data Ingestion"
        }
      }
    },
    "eastus": {
      "aca.vcpu": {
        "usd": 2.4e-05,
        "unit": "vCPU-second",
        "source": {
          "name": "Container Apps consumption vCPU active, East US: $0.000024 per second as shown on the pricing page's default region; not confirmed in a stored copy of the API",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/container-apps/",
          "estimate": true,
          "region": "eastus",
          "sku": "Standard vCPU Active Usage"
        }
      },
      "aca.memory": {
        "usd": 3e-06,
        "unit": "GiB-second",
        "source": {
          "name": "Container Apps consumption memory, East US: $0.000003 per GiB-second as on the pricing page; not confirmed in a stored copy of the API",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/container-apps/",
          "estimate": true,
          "region": "eastus",
          "sku": "Standard Memory Active Usage"
        }
      },
      "aca.requests": {
        "usd": 0.4,
        "unit": "1M requests",
        "source": {
          "name": "Container Apps requests, East US: $0.40 per million beyond the free grant, as on the pricing page",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/container-apps/",
          "estimate": true,
          "region": "eastus",
          "sku": "Standard Requests"
        }
      },
      "pg.storage": {
        "usd": 0.115,
        "unit": "GB-month",
        "source": {
          "name": "PostgreSQL flexible server storage, East US: $0.115 per GB-month as on the pricing page; not confirmed in a stored copy",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/postgresql/flexible-server/",
          "estimate": true,
          "region": "eastus",
          "sku": "Storage Data Stored"
        }
      },
      "pg.Standard_B1ms": {
        "usd": 0.017,
        "unit": "hour",
        "source": {
          "name": "Burstable B1ms, East US: as on the pricing page; not confirmed in a stored copy",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/postgresql/flexible-server/",
          "estimate": true,
          "region": "eastus",
          "sku": "B1MS"
        }
      },
      "pg.Standard_B2s": {
        "usd": 0.068,
        "unit": "hour",
        "source": {
          "name": "Burstable B2s, East US: as on the pricing page; not confirmed in a stored copy",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/postgresql/flexible-server/",
          "estimate": true,
          "region": "eastus",
          "sku": "B2S"
        }
      },
      "pg.generalPurpose.vcore": {
        "usd": 0.089,
        "unit": "vCore-hour",
        "source": {
          "name": "General Purpose Ddsv5, East US: D2ds_v5 is $0.178/hour (a Retail Prices API check reported by a third party, 2026-07-26), $0.089 per vCore",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/postgresql/flexible-server/",
          "estimate": true,
          "region": "eastus",
          "sku": "vCore"
        }
      },
      "blob.hot": {
        "usd": 0.018,
        "unit": "GB-month",
        "source": {
          "name": "Blob Hot LRS, East US, first 50 TB: $0.018 as on the pricing page; not confirmed in a stored copy",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/storage/blobs/",
          "estimate": true,
          "region": "eastus",
          "sku": "Hot LRS Data Stored"
        }
      },
      "logs.ingest": {
        "usd": 2.3,
        "unit": "GB",
        "source": {
          "name": "Log Analytics Analytics Logs ingestion, East US: $2.30/GB as on the pricing page; not confirmed in a stored copy",
          "date": "2026-12-06",
          "url": "https://azure.microsoft.com/pricing/details/monitor/",
          "estimate": true,
          "region": "eastus",
          "sku": "Analytics Logs Data Ingestion"
        }
      }
    }
  }
}
;
