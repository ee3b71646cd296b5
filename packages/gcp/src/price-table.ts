/**
 * Google Cloud list prices, USD, per region: every line with its source, date,
 * region and SKU. `freehold prices refresh --cloud gcp` rewrites the lines it
 * finds in the Cloud Billing Catalog API; lines marked `estimate` were not found
 * in a citable copy and are counted as estimates in every report.
 * docs/costs.md says how to add a line.
 */
import type { PriceTable } from "@freehold/core";

export const PRICE_TABLE: PriceTable = {
  "cloud": "gcp",
  "referenceRegion": "europe-west2",
  "global": {
    "run.requests": {
      "usd": 0.4,
      "unit": "1M requests",
      "source": {
        "name": "Cloud Run pricing page: requests beyond the 2 million monthly free tier, every region",
        "date": "2026-08-01",
        "url": "https://cloud.google.com/run/pricing"
      }
    },
    "scheduler.job": {
      "usd": 0.1,
      "unit": "job-month",
      "source": {
        "name": "Cloud Scheduler pricing page: $0.10 per job per 31 days, billed per day; 3 jobs a month free per billing account (not deducted), read in a stored copy of the page",
        "date": "2026-12-06",
        "url": "https://cloud.google.com/scheduler/pricing"
      }
    },
    "secret.version": {
      "usd": 0.06,
      "unit": "version-month",
      "source": {
        "name": "Secret Manager pricing page: active secret versions, $0.06 per version per location a month (6 versions a month free per billing account, not deducted), read in a stored copy of the page",
        "date": "2026-12-06",
        "url": "https://cloud.google.com/secret-manager/pricing",
        "sku": "Secret version replica storage"
      }
    },
    "egress.internet": {
      "usd": 0.12,
      "unit": "GiB",
      "source": {
        "name": "Network Service Tiers pricing page, Premium Tier internet egress from a European region, first 1 TiB a month: $0.12 per GiB, as listed on the page; not confirmed in a stored copy",
        "date": "2026-12-06",
        "url": "https://cloud.google.com/vpc/network-pricing",
        "estimate": true
      }
    },
    "logging.ingest": {
      "usd": 0.5,
      "unit": "GiB",
      "source": {
        "name": "Google Cloud Observability pricing page, Cloud Logging pricing summary: logging storage $0.50/GiB, including up to 30 days of storage (first 50 GiB per project a month free, not deducted), read in a stored copy of the page",
        "date": "2026-12-06",
        "url": "https://cloud.google.com/stackdriver/pricing",
        "sku": "Log Storage cost"
      }
    },
    "armor.policy": {
      "usd": 5,
      "unit": "policy-month",
      "source": {
        "name": "Google Cloud Armor pricing page, Cloud Armor Standard: $5 per security policy per month, as listed on the page; not confirmed in a stored copy",
        "date": "2026-12-06",
        "url": "https://cloud.google.com/armor/pricing",
        "estimate": true
      }
    },
    "armor.rule": {
      "usd": 1,
      "unit": "rule-month",
      "source": {
        "name": "Google Cloud Armor pricing page, Cloud Armor Standard: $1 per rule per month (each preconfigured WAF rule and the default rule counted), as listed on the page; not confirmed in a stored copy",
        "date": "2026-12-06",
        "url": "https://cloud.google.com/armor/pricing",
        "estimate": true
      }
    },
    "armor.requests": {
      "usd": 0.75,
      "unit": "1M requests",
      "source": {
        "name": "Google Cloud Armor pricing page, Cloud Armor Standard: $0.75 per million requests evaluated, as listed on the page; not confirmed in a stored copy",
        "date": "2026-12-06",
        "url": "https://cloud.google.com/armor/pricing",
        "estimate": true
      }
    },
    "dns.zone": {
      "usd": 0.2,
      "unit": "zone-month",
      "source": {
        "name": "Cloud DNS pricing page: managed zones, $0.20 per zone a month for the first 25 zones of a project (a zone that exists for less than 24 hours in a month is not billed); queries are billed per million and not estimated here. As listed on the page; not confirmed in a stored copy",
        "date": "2026-12-06",
        "url": "https://cloud.google.com/dns/pricing",
        "estimate": true
      }
    },
    "logging.retention": {
      "usd": 0.01,
      "unit": "GiB-month",
      "source": {
        "name": "Google Cloud Observability pricing page, Cloud Logging pricing summary: logging retention $0.01 per GiB per month for logs retained more than 30 days, read in a stored copy of the page",
        "date": "2026-12-06",
        "url": "https://cloud.google.com/stackdriver/pricing",
        "sku": "Log Retention cost"
      }
    }
  },
  "regions": {
    "europe-west2": {
      "run.vcpu": {
        "usd": 3.36e-05,
        "unit": "vCPU-second",
        "source": {
          "name": "Google Cloud Billing Catalog, europe-west2, SKU 085C-A237-027A (Cloud Run CPU, request-based billing, Tier 2): the figure is from an earlier capture of the catalog that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-08-01",
          "url": "https://cloudbilling.googleapis.com/v1/services/152E-C115-5142/skus",
          "estimate": true,
          "region": "europe-west2",
          "sku": "085C-A237-027A"
        }
      },
      "run.memory": {
        "usd": 3.5e-06,
        "unit": "GiB-second",
        "source": {
          "name": "Google Cloud Billing Catalog, europe-west2, SKU 600C-3782-6708 (Cloud Run memory, request-based billing, Tier 2): the figure is from an earlier capture of the catalog that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-08-01",
          "url": "https://cloudbilling.googleapis.com/v1/services/152E-C115-5142/skus",
          "estimate": true,
          "region": "europe-west2",
          "sku": "600C-3782-6708"
        }
      },
      "run.vcpu.instance": {
        "usd": 2.52e-05,
        "unit": "vCPU-second",
        "source": {
          "name": "Google Cloud Billing Catalog, europe-west2, SKU 3DFE-FD5E-A6D0 (Services CPU (instance-based billing) in europe-west2): the figure is from an earlier capture of the catalog that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-08-01",
          "url": "https://cloudbilling.googleapis.com/v1/services/152E-C115-5142/skus",
          "estimate": true,
          "region": "europe-west2",
          "sku": "3DFE-FD5E-A6D0"
        }
      },
      "run.memory.instance": {
        "usd": 2.8e-06,
        "unit": "GiB-second",
        "source": {
          "name": "Cloud Run memory, instance-based billing, europe-west2: not found; the Tier 1 list price $0.000002 scaled by the Tier 2 CPU ratio (1.4)",
          "date": "2026-12-06",
          "url": "https://cloud.google.com/run/pricing",
          "estimate": true,
          "region": "europe-west2"
        }
      },
      "sql.vcpu.zonal": {
        "usd": 0.0535,
        "unit": "vCPU-hour",
        "source": {
          "name": "Google Cloud Billing Catalog, europe-west2, SKU 3E1A-85BB-7956 (Cloud SQL for PostgreSQL vCPU, zonal): the figure is from an earlier capture of the catalog that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-10-01",
          "url": "https://cloudbilling.googleapis.com/v1/services/9662-B51E-5089/skus",
          "estimate": true,
          "region": "europe-west2",
          "sku": "3E1A-85BB-7956"
        }
      },
      "sql.memory.zonal": {
        "usd": 0.00905,
        "unit": "GiB-hour",
        "source": {
          "name": "Google Cloud Billing Catalog, europe-west2, SKU A466-F7CB-DD13 (Cloud SQL for PostgreSQL RAM, zonal): the figure is from an earlier capture of the catalog that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-10-01",
          "url": "https://cloudbilling.googleapis.com/v1/services/9662-B51E-5089/skus",
          "estimate": true,
          "region": "europe-west2",
          "sku": "A466-F7CB-DD13"
        }
      },
      "sql.vcpu.regional": {
        "usd": 0.107,
        "unit": "vCPU-hour",
        "source": {
          "name": "Google Cloud Billing Catalog, europe-west2, SKU D3C0-6698-D7D2 (Cloud SQL for PostgreSQL vCPU, regional): the figure is from an earlier capture of the catalog that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-10-01",
          "url": "https://cloudbilling.googleapis.com/v1/services/9662-B51E-5089/skus",
          "estimate": true,
          "region": "europe-west2",
          "sku": "D3C0-6698-D7D2"
        }
      },
      "sql.memory.regional": {
        "usd": 0.0181,
        "unit": "GiB-hour",
        "source": {
          "name": "Google Cloud Billing Catalog, europe-west2, SKU 6F5E-33D5-3944 (Cloud SQL for PostgreSQL RAM, regional): the figure is from an earlier capture of the catalog that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-10-01",
          "url": "https://cloudbilling.googleapis.com/v1/services/9662-B51E-5089/skus",
          "estimate": true,
          "region": "europe-west2",
          "sku": "6F5E-33D5-3944"
        }
      },
      "sql.ssd.zonal": {
        "usd": 0.204,
        "unit": "GiB-month",
        "source": {
          "name": "Google Cloud Billing Catalog, europe-west2, SKU A025-9006-CE7C (Cloud SQL SSD storage, zonal): the figure is from an earlier capture of the catalog that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-10-01",
          "url": "https://cloudbilling.googleapis.com/v1/services/9662-B51E-5089/skus",
          "estimate": true,
          "region": "europe-west2",
          "sku": "A025-9006-CE7C"
        }
      },
      "sql.ssd.regional": {
        "usd": 0.408,
        "unit": "GiB-month",
        "source": {
          "name": "Google Cloud Billing Catalog, europe-west2, SKU 3782-B08A-12E4 (Cloud SQL SSD storage, regional): the figure is from an earlier capture of the catalog that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-10-01",
          "url": "https://cloudbilling.googleapis.com/v1/services/9662-B51E-5089/skus",
          "estimate": true,
          "region": "europe-west2",
          "sku": "3782-B08A-12E4"
        }
      },
      "sql.extended.zonal": {
        "usd": 0,
        "unit": "vCPU-hour",
        "source": {
          "name": "Cloud SQL extended support, charged per vCPU-hour on top of the instance for a major version past standard support (https://cloud.google.com/sql/docs/postgres/extended-support): the figure is not in a copy Freehold can cite, so it is $0 here until `freehold prices refresh` reads the Cloud Billing Catalog SKU 'Cloud SQL for PostgreSQL: Zonal - Extended support vCPU v13 in London'",
          "date": "2026-12-06",
          "url": "https://cloud.google.com/sql/pricing",
          "estimate": true,
          "region": "europe-west2"
        }
      },
      "sql.extended.regional": {
        "usd": 0,
        "unit": "vCPU-hour",
        "source": {
          "name": "Cloud SQL extended support for a regional (HA) instance, per vCPU-hour: not in a copy Freehold can cite, $0 here until `freehold prices refresh` reads the Cloud Billing Catalog SKU 'Cloud SQL for PostgreSQL: Regional - Extended support vCPU v13 in London'",
          "date": "2026-12-06",
          "url": "https://cloud.google.com/sql/pricing",
          "estimate": true,
          "region": "europe-west2"
        }
      },
      "sql.backup": {
        "usd": 0.096,
        "unit": "GiB-month",
        "source": {
          "name": "Cloud SQL backups beyond the instance's disk size, europe-west2: not in a stored copy of the catalog",
          "date": "2026-12-06",
          "url": "https://cloud.google.com/sql/pricing",
          "estimate": true,
          "region": "europe-west2"
        }
      },
      "gcs.standard": {
        "usd": 0.023,
        "unit": "GiB-month",
        "source": {
          "name": "Google Cloud Billing Catalog, europe-west2, SKU BB55-3E5A-405C (Standard Storage London): the figure is from an earlier capture of the catalog that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-10-01",
          "url": "https://cloudbilling.googleapis.com/v1/services/95FF-2EF5-5EA1/skus",
          "estimate": true,
          "region": "europe-west2",
          "sku": "BB55-3E5A-405C"
        }
      },
      "gcs.classA": {
        "usd": 0.005,
        "unit": "1,000 operations",
        "source": {
          "name": "Class A operations, Standard storage in a region: $0.005 per 1,000 (earlier capture of the catalog that cannot be cited)",
          "date": "2026-12-06",
          "url": "https://cloud.google.com/storage/pricing",
          "estimate": true,
          "region": "europe-west2"
        }
      },
      "gcs.classB": {
        "usd": 0.0004,
        "unit": "1,000 operations",
        "source": {
          "name": "Class B operations, Standard storage in a region: $0.0004 per 1,000 (earlier capture of the catalog that cannot be cited)",
          "date": "2026-12-06",
          "url": "https://cloud.google.com/storage/pricing",
          "estimate": true,
          "region": "europe-west2"
        }
      },
      "lb.rule": {
        "usd": 0.025,
        "unit": "hour",
        "source": {
          "name": "Cloud Load Balancing forwarding rule, first 5 per project: not in a stored copy of the catalog",
          "date": "2026-12-06",
          "url": "https://cloud.google.com/vpc/network-pricing#lb",
          "estimate": true,
          "region": "europe-west2"
        }
      },
      "lb.data": {
        "usd": 0.008,
        "unit": "GiB",
        "source": {
          "name": "Cloud Load Balancing data processed by an Application Load Balancer: not in a stored copy of the catalog",
          "date": "2026-12-06",
          "url": "https://cloud.google.com/vpc/network-pricing#lb",
          "estimate": true,
          "region": "europe-west2"
        }
      },
      "lb.proxy": {
        "usd": 0.025,
        "unit": "hour",
        "source": {
          "name": "Regional external Application Load Balancer proxy instance (billed per proxy instance the region allocates; 1 assumed): not in a stored copy of the catalog",
          "date": "2026-12-06",
          "url": "https://cloud.google.com/vpc/network-pricing#lb",
          "estimate": true,
          "region": "europe-west2"
        }
      },
      "psc.endpoint": {
        "usd": 0.01,
        "unit": "hour",
        "source": {
          "name": "Private Service Connect consumer endpoint (forwarding rule to a service attachment), per hour: not in a stored copy of the catalog",
          "date": "2026-12-06",
          "url": "https://cloud.google.com/vpc/network-pricing#psc",
          "estimate": true,
          "region": "europe-west2"
        }
      },
      "registry.storage": {
        "usd": 0.1,
        "unit": "GiB-month",
        "source": {
          "name": "Artifact Registry storage beyond 0.5 GiB: not in a stored copy of the catalog",
          "date": "2026-12-06",
          "url": "https://cloud.google.com/artifact-registry/pricing",
          "estimate": true,
          "region": "europe-west2"
        }
      }
    },
    "europe-west1": {
      "run.vcpu": {
        "usd": 2.4e-05,
        "unit": "vCPU-second",
        "source": {
          "name": "Cloud Run pricing page, services with CPU only allocated during request processing, Tier 1 (europe-west1 is a Tier 1 region): \"$0.00002400 / vCPU-second beyond free tier\", read in a stored copy of the page",
          "date": "2026-12-06",
          "url": "https://cloud.google.com/run/pricing",
          "region": "europe-west1",
          "sku": "Services CPU (Request-based billing) in europe-west1"
        }
      },
      "run.memory": {
        "usd": 2.5e-06,
        "unit": "GiB-second",
        "source": {
          "name": "Cloud Run pricing page, Tier 1 regions (europe-west1 is Tier 1), request-based billing: $0.0000025 per GiB-second, as recorded in an earlier review of the page; not confirmed in a stored copy",
          "date": "2026-12-06",
          "url": "https://cloud.google.com/run/pricing",
          "estimate": true,
          "region": "europe-west1",
          "sku": "Services Memory (Request-based billing) in europe-west1"
        }
      },
      "run.vcpu.instance": {
        "usd": 1.8e-05,
        "unit": "vCPU-second",
        "source": {
          "name": "Cloud Run pricing page, Tier 1, services with CPU always allocated and jobs: \"$0.00001800 / vCPU-second beyond free tier\", read in a stored copy of the page",
          "date": "2026-12-06",
          "url": "https://cloud.google.com/run/pricing",
          "region": "europe-west1",
          "sku": "Services CPU (Instance-based billing) in europe-west1"
        }
      },
      "run.memory.instance": {
        "usd": 2e-06,
        "unit": "GiB-second",
        "source": {
          "name": "Cloud Run pricing page, Tier 1, instance-based billing: $0.000002 per GiB-second, as recorded in an earlier review of the page",
          "date": "2026-12-06",
          "url": "https://cloud.google.com/run/pricing",
          "estimate": true,
          "region": "europe-west1",
          "sku": "Services Memory (Instance-based billing) in europe-west1"
        }
      },
      "gcs.standard": {
        "usd": 0.02,
        "unit": "GiB-month",
        "source": {
          "name": "Cloud Storage Standard, europe-west1 (Belgium): $0.020 per GiB-month as listed on the pricing page; not confirmed in a stored copy",
          "date": "2026-12-06",
          "url": "https://cloud.google.com/storage/pricing",
          "estimate": true,
          "region": "europe-west1",
          "sku": "Standard Storage Belgium"
        }
      }
    }
  }
};
