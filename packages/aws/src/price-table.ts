/**
 * AWS list prices, USD, per region: every line with its source, date, region and
 * usagetype. `freehold prices refresh --cloud aws` rewrites the lines it finds in
 * the AWS Price List bulk API; lines marked `estimate` were not found in a
 * citable copy of the price list and are counted as estimates in every report.
 * docs/costs.md says how to add a line.
 */
import type { PriceTable } from "@freehold/core";

export const PRICE_TABLE: PriceTable = {
  "cloud": "aws",
  "referenceRegion": "eu-west-2",
  "global": {
    "scheduler.invocation": {
      "usd": 1.0,
      "unit": "1M invocations",
      "source": {
        "name": "EventBridge pricing, Scheduler: $1.00 per million scheduled invocations, the first 14 million a month free (not deducted), as third-party summaries of the pricing page give it (the page renders its rates in the browser)",
        "date": "2026-12-06",
        "url": "https://aws.amazon.com/eventbridge/pricing/",
        "estimate": true
      }
    },
    "ipv4.hour": {
      "usd": 0.005,
      "unit": "hour",
      "source": {
        "name": "Public IPv4 address charge, $0.005 per IP-hour in every region (announced by AWS in July 2023): not in a stored copy of the price list",
        "date": "2026-12-06",
        "url": "https://aws.amazon.com/vpc/pricing/",
        "estimate": true,
        "sku": "PublicIPv4:InUseAddress"
      }
    },
    "secrets.secret": {
      "usd": 0.4,
      "unit": "secret-month",
      "source": {
        "name": "Secrets Manager, $0.40 per secret per month: the page renders its rate in the browser; not confirmed in a stored copy",
        "date": "2026-12-06",
        "url": "https://aws.amazon.com/secrets-manager/pricing/",
        "estimate": true,
        "sku": "AWSSecretsManager-Secrets"
      }
    },
    "cloudfront.egress": {
      "usd": 0.085,
      "unit": "GB",
      "source": {
        "name": "CloudFront data transfer out, Europe edge locations, first 10 TB: not in a stored copy of the price list",
        "date": "2026-12-06",
        "url": "https://aws.amazon.com/cloudfront/pricing/",
        "estimate": true,
        "sku": "EU-DataTransfer-Out-Bytes"
      }
    },
    "cloudfront.https": {
      "usd": 0.012,
      "unit": "10,000 requests",
      "source": {
        "name": "CloudFront HTTPS requests, Europe: not in a stored copy of the price list",
        "date": "2026-12-06",
        "url": "https://aws.amazon.com/cloudfront/pricing/",
        "estimate": true,
        "sku": "EU-Requests-HTTPS-Proxy"
      }
    },
    "waf.webAcl": {
      "usd": 5,
      "unit": "web ACL-month",
      "source": {
        "name": "AWS WAF, $5.00 per web ACL per month (prorated hourly), every region: the pricing page's rate; not confirmed in a stored copy of the price list",
        "date": "2026-12-06",
        "url": "https://aws.amazon.com/waf/pricing/",
        "estimate": true,
        "sku": "WebACL"
      }
    },
    "waf.rule": {
      "usd": 1,
      "unit": "rule-month",
      "source": {
        "name": "AWS WAF, $1.00 per rule or managed rule group per web ACL per month, every region: the pricing page's rate; not confirmed in a stored copy of the price list",
        "date": "2026-12-06",
        "url": "https://aws.amazon.com/waf/pricing/",
        "estimate": true,
        "sku": "Rule"
      }
    },
    "waf.requests": {
      "usd": 0.6,
      "unit": "1M requests",
      "source": {
        "name": "AWS WAF, $0.60 per million requests inspected (web ACLs up to 1,500 WCU), every region: the pricing page's rate; not confirmed in a stored copy of the price list",
        "date": "2026-12-06",
        "url": "https://aws.amazon.com/waf/pricing/",
        "estimate": true,
        "sku": "Request"
      }
    }
  },
  "regions": {
    "eu-west-2": {
      "states.transition": {
        "usd": 0.025,
        "unit": "1K state transitions",
        "source": {
          "name": "AWS Step Functions pricing page, Standard workflows, Europe (London): $0.0250 per 1,000 state transitions (4,000 a month free, not deducted), read in a stored copy of the page; the usage type is the price list's usual naming, not confirmed against it",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/step-functions/pricing/",
          "region": "eu-west-2",
          "sku": "EUW2-StateTransition"
        }
      },
      "fargate.vcpu": {
        "usd": 0.04656,
        "unit": "vCPU-hour",
        "source": {
          "name": "AWS Price List AmazonECS eu-west-2 offer file, usagetype EUW2-Fargate-vCPU-Hours:perCPU: the figure is from an earlier capture of the price list that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-11",
          "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonECS/current/eu-west-2/index.json",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Fargate-vCPU-Hours:perCPU"
        }
      },
      "fargate.memory": {
        "usd": 0.00511,
        "unit": "GB-hour",
        "source": {
          "name": "AWS Price List AmazonECS eu-west-2 offer file, usagetype EUW2-Fargate-GB-Hours: the figure is from an earlier capture of the price list that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-11",
          "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonECS/current/eu-west-2/index.json",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Fargate-GB-Hours"
        }
      },
      "alb.hour": {
        "usd": 0.02646,
        "unit": "hour",
        "source": {
          "name": "AWS Price List AWSELB eu-west-2 offer file, usagetype EUW2-LoadBalancerUsage: the figure is from an earlier capture of the price list that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-08-31",
          "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSELB/current/eu-west-2/index.json",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-LoadBalancerUsage"
        }
      },
      "alb.lcu": {
        "usd": 0.0084,
        "unit": "LCU-hour",
        "source": {
          "name": "AWS Price List AWSELB eu-west-2 offer file, usagetype EUW2-LCUUsage: the figure is from an earlier capture of the price list that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-08-31",
          "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSELB/current/eu-west-2/index.json",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-LCUUsage"
        }
      },
      "rds.gp3": {
        "usd": 0.133,
        "unit": "GB-month",
        "source": {
          "name": "AWS Price List AmazonRDS eu-west-2 offer file, usagetype EUW2-RDS:GP3-Storage: the figure is from an earlier capture of the price list that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-04",
          "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/current/eu-west-2/index.json",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-RDS:GP3-Storage"
        }
      },
      "rds.gp3.multiAz": {
        "usd": 0.266,
        "unit": "GB-month",
        "source": {
          "name": "Multi-AZ gp3 storage, eu-west-2: not found; twice the single-AZ gp3 price, as Multi-AZ gp2 is twice single-AZ gp2",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-RDS:Multi-AZ-GP3-Storage"
        }
      },
      "rds.backup": {
        "usd": 0.095,
        "unit": "GB-month",
        "source": {
          "name": "RDS backup storage beyond the free allowance (equal to the provisioned storage): $0.095/GB-month, the rate in most regions; not confirmed for eu-west-2",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-RDS:ChargedBackupUsage"
        }
      },
      "s3.standard": {
        "usd": 0.024,
        "unit": "GB-month",
        "source": {
          "name": "AWS Price List AmazonS3 eu-west-2 offer file, usagetype EUW2-TimedStorage-ByteHrs: the figure is from an earlier capture of the price list that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-28",
          "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonS3/current/eu-west-2/index.json",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-TimedStorage-ByteHrs"
        }
      },
      "s3.tier1": {
        "usd": 0.0053,
        "unit": "1,000 requests",
        "source": {
          "name": "AWS Price List AmazonS3 eu-west-2 offer file, usagetype EUW2-Requests-Tier1: the figure is from an earlier capture of the price list that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-28",
          "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonS3/current/eu-west-2/index.json",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Requests-Tier1"
        }
      },
      "s3.tier2": {
        "usd": 0.00042,
        "unit": "1,000 requests",
        "source": {
          "name": "AWS Price List AmazonS3 eu-west-2 offer file, usagetype EUW2-Requests-Tier2: the figure is from an earlier capture of the price list that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-28",
          "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonS3/current/eu-west-2/index.json",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Requests-Tier2"
        }
      },
      "egress.internet": {
        "usd": 0.09,
        "unit": "GB",
        "source": {
          "name": "AWS Price List AmazonS3 eu-west-2 offer file, usagetype EUW2-DataTransfer-Out-Bytes: the figure is from an earlier capture of the price list that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-28",
          "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonS3/current/eu-west-2/index.json",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-DataTransfer-Out-Bytes"
        }
      },
      "nat.hour": {
        "usd": 0.05,
        "unit": "hour",
        "source": {
          "name": "NAT gateway hourly, eu-west-2: not in a stored copy of the price list; third-party 2026 guides give $0.048-0.052 for London",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/vpc/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-NatGateway-Hours"
        }
      },
      "nat.data": {
        "usd": 0.05,
        "unit": "GB",
        "source": {
          "name": "NAT gateway data processed, eu-west-2: not in a stored copy of the price list; third-party 2026 guides give $0.048-0.052/GB for London",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/vpc/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-NatGateway-Bytes"
        }
      },
      "logs.ingest": {
        "usd": 0.5985,
        "unit": "GB",
        "source": {
          "name": "CloudWatch Logs standard ingestion, eu-west-2: not in a stored copy of the price list (us-east-1 is $0.50/GB; London is listed higher)",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/cloudwatch/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-DataProcessing-Bytes"
        }
      },
      "logs.storage": {
        "usd": 0.0315,
        "unit": "GB-month",
        "source": {
          "name": "CloudWatch Logs archived storage, eu-west-2: not in a stored copy of the price list",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/cloudwatch/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-TimedStorage-ByteHrs"
        }
      },
      "rds.db.t4g.micro": {
        "usd": 0.018,
        "unit": "hour",
        "source": {
          "name": "AWS Price List AmazonRDS eu-west-2 offer file, usagetype EUW2-InstanceUsage:db.t4g.micro: the figure is from an earlier capture of the price list that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-04",
          "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/current/eu-west-2/index.json",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.t4g.micro"
        }
      },
      "rds.db.t4g.micro.multiAz": {
        "usd": 0.036,
        "unit": "hour",
        "source": {
          "name": "AWS Price List AmazonRDS eu-west-2 offer file, usagetype EUW2-Multi-AZUsage:db.t4g.micro: the figure is from an earlier capture of the price list that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-04",
          "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/current/eu-west-2/index.json",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.t4g.micro"
        }
      },
      "rds.db.t4g.small": {
        "usd": 0.036,
        "unit": "hour",
        "source": {
          "name": "AWS Price List AmazonRDS eu-west-2 offer file, usagetype EUW2-InstanceUsage:db.t4g.small: the figure is from an earlier capture of the price list that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-04",
          "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/current/eu-west-2/index.json",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.t4g.small"
        }
      },
      "rds.db.t4g.small.multiAz": {
        "usd": 0.072,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the single-AZ price, the pattern of the t4g.micro, t4g.medium and r6g.large pairs",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.t4g.small"
        }
      },
      "rds.db.t4g.medium": {
        "usd": 0.072,
        "unit": "hour",
        "source": {
          "name": "AWS Price List AmazonRDS eu-west-2 offer file, usagetype EUW2-InstanceUsage:db.t4g.medium: the figure is from an earlier capture of the price list that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-04",
          "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/current/eu-west-2/index.json",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.t4g.medium"
        }
      },
      "rds.db.t4g.medium.multiAz": {
        "usd": 0.145,
        "unit": "hour",
        "source": {
          "name": "AWS Price List AmazonRDS eu-west-2 offer file, usagetype EUW2-Multi-AZUsage:db.t4g.medium: the figure is from an earlier capture of the price list that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-04",
          "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/current/eu-west-2/index.json",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.t4g.medium"
        }
      },
      "rds.db.r6g.large": {
        "usd": 0.264,
        "unit": "hour",
        "source": {
          "name": "AWS Price List AmazonRDS eu-west-2 offer file, usagetype EUW2-InstanceUsage:db.r6g.large: the figure is from an earlier capture of the price list that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-04",
          "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/current/eu-west-2/index.json",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.r6g.large"
        }
      },
      "rds.db.r6g.large.multiAz": {
        "usd": 0.529,
        "unit": "hour",
        "source": {
          "name": "AWS Price List AmazonRDS eu-west-2 offer file, usagetype EUW2-Multi-AZUsage:db.r6g.large: the figure is from an earlier capture of the price list that cannot be cited; not confirmed against a stored copy (run `freehold prices refresh`)",
          "date": "2026-09-04",
          "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/current/eu-west-2/index.json",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.r6g.large"
        }
      },
      "rds.db.m7g.large": {
        "usd": 0.197,
        "unit": "hour",
        "source": {
          "name": "eu-west-2 price not found: the us-east-1 list price x 1.17 (the London/US ratio of r6g.large); sizes scale linearly within a family",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.m7g.large"
        }
      },
      "rds.db.m7g.large.multiAz": {
        "usd": 0.394,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the estimated single-AZ price",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.m7g.large"
        }
      },
      "rds.db.m7g.xlarge": {
        "usd": 0.393,
        "unit": "hour",
        "source": {
          "name": "eu-west-2 price not found: the us-east-1 list price x 1.17 (the London/US ratio of r6g.large); sizes scale linearly within a family",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.m7g.xlarge"
        }
      },
      "rds.db.m7g.xlarge.multiAz": {
        "usd": 0.786,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the estimated single-AZ price",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.m7g.xlarge"
        }
      },
      "rds.db.m7g.2xlarge": {
        "usd": 0.786,
        "unit": "hour",
        "source": {
          "name": "eu-west-2 price not found: the us-east-1 list price x 1.17 (the London/US ratio of r6g.large); sizes scale linearly within a family",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.m7g.2xlarge"
        }
      },
      "rds.db.m7g.2xlarge.multiAz": {
        "usd": 1.572,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the estimated single-AZ price",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.m7g.2xlarge"
        }
      },
      "rds.db.m7g.4xlarge": {
        "usd": 1.572,
        "unit": "hour",
        "source": {
          "name": "eu-west-2 price not found: the us-east-1 list price x 1.17 (the London/US ratio of r6g.large); sizes scale linearly within a family",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.m7g.4xlarge"
        }
      },
      "rds.db.m7g.4xlarge.multiAz": {
        "usd": 3.144,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the estimated single-AZ price",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.m7g.4xlarge"
        }
      },
      "rds.db.m7g.8xlarge": {
        "usd": 3.145,
        "unit": "hour",
        "source": {
          "name": "eu-west-2 price not found: the us-east-1 list price x 1.17 (the London/US ratio of r6g.large); sizes scale linearly within a family",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.m7g.8xlarge"
        }
      },
      "rds.db.m7g.8xlarge.multiAz": {
        "usd": 6.29,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the estimated single-AZ price",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.m7g.8xlarge"
        }
      },
      "rds.db.m7g.12xlarge": {
        "usd": 4.717,
        "unit": "hour",
        "source": {
          "name": "eu-west-2 price not found: the us-east-1 list price x 1.17 (the London/US ratio of r6g.large); sizes scale linearly within a family",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.m7g.12xlarge"
        }
      },
      "rds.db.m7g.12xlarge.multiAz": {
        "usd": 9.434,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the estimated single-AZ price",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.m7g.12xlarge"
        }
      },
      "rds.db.m7g.16xlarge": {
        "usd": 6.29,
        "unit": "hour",
        "source": {
          "name": "eu-west-2 price not found: the us-east-1 list price x 1.17 (the London/US ratio of r6g.large); sizes scale linearly within a family",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.m7g.16xlarge"
        }
      },
      "rds.db.m7g.16xlarge.multiAz": {
        "usd": 12.58,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the estimated single-AZ price",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.m7g.16xlarge"
        }
      },
      "rds.db.r7g.large": {
        "usd": 0.28,
        "unit": "hour",
        "source": {
          "name": "eu-west-2 price not found: r6g.large x 1.06, an assumed r7g/r6g step; sizes scale linearly",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.r7g.large"
        }
      },
      "rds.db.r7g.large.multiAz": {
        "usd": 0.56,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the estimated single-AZ price",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.r7g.large"
        }
      },
      "rds.db.r7g.xlarge": {
        "usd": 0.56,
        "unit": "hour",
        "source": {
          "name": "eu-west-2 price not found: r6g.large x 1.06, an assumed r7g/r6g step; sizes scale linearly",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.r7g.xlarge"
        }
      },
      "rds.db.r7g.xlarge.multiAz": {
        "usd": 1.12,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the estimated single-AZ price",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.r7g.xlarge"
        }
      },
      "rds.db.r7g.2xlarge": {
        "usd": 1.12,
        "unit": "hour",
        "source": {
          "name": "eu-west-2 price not found: r6g.large x 1.06, an assumed r7g/r6g step; sizes scale linearly",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.r7g.2xlarge"
        }
      },
      "rds.db.r7g.2xlarge.multiAz": {
        "usd": 2.24,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the estimated single-AZ price",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.r7g.2xlarge"
        }
      },
      "rds.db.r7g.4xlarge": {
        "usd": 2.24,
        "unit": "hour",
        "source": {
          "name": "eu-west-2 price not found: r6g.large x 1.06, an assumed r7g/r6g step; sizes scale linearly",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.r7g.4xlarge"
        }
      },
      "rds.db.r7g.4xlarge.multiAz": {
        "usd": 4.48,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the estimated single-AZ price",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.r7g.4xlarge"
        }
      },
      "rds.db.r7g.8xlarge": {
        "usd": 4.48,
        "unit": "hour",
        "source": {
          "name": "eu-west-2 price not found: r6g.large x 1.06, an assumed r7g/r6g step; sizes scale linearly",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.r7g.8xlarge"
        }
      },
      "rds.db.r7g.8xlarge.multiAz": {
        "usd": 8.96,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the estimated single-AZ price",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.r7g.8xlarge"
        }
      },
      "rds.db.r7g.12xlarge": {
        "usd": 6.72,
        "unit": "hour",
        "source": {
          "name": "eu-west-2 price not found: r6g.large x 1.06, an assumed r7g/r6g step; sizes scale linearly",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.r7g.12xlarge"
        }
      },
      "rds.db.r7g.12xlarge.multiAz": {
        "usd": 13.44,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the estimated single-AZ price",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.r7g.12xlarge"
        }
      },
      "rds.db.r7g.16xlarge": {
        "usd": 8.96,
        "unit": "hour",
        "source": {
          "name": "eu-west-2 price not found: r6g.large x 1.06, an assumed r7g/r6g step; sizes scale linearly",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.r7g.16xlarge"
        }
      },
      "rds.db.r7g.16xlarge.multiAz": {
        "usd": 17.92,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the estimated single-AZ price",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.r7g.16xlarge"
        }
      },
      "rds.db.m6i.24xlarge": {
        "usd": 9.997,
        "unit": "hour",
        "source": {
          "name": "eu-west-2 price not found: us-east-1 list price x 1.17",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.m6i.24xlarge"
        }
      },
      "rds.db.m6i.24xlarge.multiAz": {
        "usd": 19.994,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the estimated single-AZ price",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.m6i.24xlarge"
        }
      },
      "rds.db.r6i.24xlarge": {
        "usd": 14.04,
        "unit": "hour",
        "source": {
          "name": "eu-west-2 price not found: us-east-1 list price x 1.17",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-InstanceUsage:db.r6i.24xlarge"
        }
      },
      "rds.db.r6i.24xlarge.multiAz": {
        "usd": 28.08,
        "unit": "hour",
        "source": {
          "name": "Multi-AZ, eu-west-2: not found; twice the estimated single-AZ price",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-Multi-AZUsage:db.r6i.24xlarge"
        }
      },
      "rds.extendedSupport.yr1": {
        "usd": 0.117,
        "unit": "vCPU-hour",
        "source": {
          "name": "RDS Extended Support for PostgreSQL, years 1 and 2, eu-west-2: not found; the us-east-1 rate ($0.100 per vCPU-hour) x 1.17, the London/US ratio of RDS instance prices",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-ExtendedSupport:Yr1-Yr2:PostgreSQL"
        }
      },
      "rds.extendedSupport.yr3": {
        "usd": 0.234,
        "unit": "vCPU-hour",
        "source": {
          "name": "RDS Extended Support for PostgreSQL, year 3, eu-west-2: not found; the us-east-1 rate ($0.200 per vCPU-hour) x 1.17",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-ExtendedSupport:Yr3:PostgreSQL"
        }
      },
      "cw.metric": {
        "usd": 0.3,
        "unit": "metric-month",
        "source": {
          "name": "CloudWatch custom metrics, first 10,000, eu-west-2: not in a stored copy of the price list; the us-east-1 rate ($0.30 per metric-month)",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/cloudwatch/pricing/",
          "estimate": true,
          "region": "eu-west-2",
          "sku": "EUW2-CW:MetricMonitorUsage"
        }
      }
    },
    "us-east-1": {
      "states.transition": {
        "usd": 0.025,
        "unit": "1K state transitions",
        "source": {
          "name": "AWS Step Functions pricing page, Standard workflows, US East (N. Virginia): $0.0250 per 1,000 state transitions (4,000 a month free, not deducted), read in a stored copy of the page; the usage type is the price list's usual naming, not confirmed against it",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/step-functions/pricing/",
          "region": "us-east-1",
          "sku": "StateTransition"
        }
      },
      "fargate.vcpu": {
        "usd": 0.04048,
        "unit": "vCPU-hour",
        "source": {
          "name": "AWS Fargate pricing (Amazon ECS pricing page), example rate for US East (N. Virginia): $0.000011244 per vCPU-second (the page's example text, as transcribed verbatim from it on 2026-09-20 by a public index of pricing pages; the page's rate tables are rendered in the browser)",
          "date": "2026-09-20",
          "url": "https://aws.amazon.com/fargate/pricing/",
          "region": "us-east-1",
          "sku": "USE1-Fargate-vCPU-Hours:perCPU"
        }
      },
      "fargate.memory": {
        "usd": 0.004445,
        "unit": "GB-hour",
        "source": {
          "name": "Fargate memory, us-east-1: the page's rate table is rendered in the browser; $0.004445 per GB-hour as summarised by third parties (Vantage)",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/fargate/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-Fargate-GB-Hours"
        }
      },
      "alb.hour": {
        "usd": 0.0225,
        "unit": "hour",
        "source": {
          "name": "Elastic Load Balancing pricing page, Application Load Balancer pricing example for US East (N. Virginia): $0.0225 per ALB-hour (the page's example text, as transcribed verbatim from it on 2026-09-20 by a public index of pricing pages; the page's rate tables are rendered in the browser)",
          "date": "2026-09-20",
          "url": "https://aws.amazon.com/elasticloadbalancing/pricing/",
          "region": "us-east-1",
          "sku": "USE1-LoadBalancerUsage"
        }
      },
      "alb.lcu": {
        "usd": 0.008,
        "unit": "LCU-hour",
        "source": {
          "name": "Elastic Load Balancing pricing page, Application Load Balancer pricing example for US East (N. Virginia): $0.008 per LCU-hour (the page's example text, as transcribed verbatim from it on 2026-09-20 by a public index of pricing pages; the page's rate tables are rendered in the browser)",
          "date": "2026-09-20",
          "url": "https://aws.amazon.com/elasticloadbalancing/pricing/",
          "region": "us-east-1",
          "sku": "USE1-LCUUsage"
        }
      },
      "nat.hour": {
        "usd": 0.045,
        "unit": "hour",
        "source": {
          "name": "NAT gateway hourly, us-east-1: the VPC pricing page renders rates in the browser; $0.045 as summarised by third parties",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/vpc/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-NatGateway-Hours"
        }
      },
      "nat.data": {
        "usd": 0.045,
        "unit": "GB",
        "source": {
          "name": "NAT gateway data processed, us-east-1: $0.045/GB as summarised by third parties",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/vpc/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-NatGateway-Bytes"
        }
      },
      "egress.internet": {
        "usd": 0.09,
        "unit": "GB",
        "source": {
          "name": "Data transfer out to the internet, us-east-1, first 10 TB/month after 100 GB free: $0.09/GB as summarised by third parties",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/ec2/pricing/on-demand/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-DataTransfer-Out-Bytes"
        }
      },
      "s3.standard": {
        "usd": 0.023,
        "unit": "GB-month",
        "source": {
          "name": "S3 Standard, us-east-1, first 50 TB: $0.023 as summarised by third parties",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/s3/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-TimedStorage-ByteHrs"
        }
      },
      "s3.tier1": {
        "usd": 0.005,
        "unit": "1,000 requests",
        "source": {
          "name": "S3 PUT, COPY, POST, LIST, us-east-1: $0.005 per 1,000 as summarised by third parties",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/s3/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-Requests-Tier1"
        }
      },
      "s3.tier2": {
        "usd": 0.0004,
        "unit": "1,000 requests",
        "source": {
          "name": "S3 GET, us-east-1: $0.0004 per 1,000 as summarised by third parties",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/s3/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-Requests-Tier2"
        }
      },
      "rds.gp3": {
        "usd": 0.115,
        "unit": "GB-month",
        "source": {
          "name": "RDS gp3 storage, us-east-1, single-AZ: $0.115 as summarised by third parties",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-RDS:GP3-Storage"
        }
      },
      "rds.gp3.multiAz": {
        "usd": 0.23,
        "unit": "GB-month",
        "source": {
          "name": "RDS gp3 storage, us-east-1, Multi-AZ: twice single-AZ",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-RDS:Multi-AZ-GP3-Storage"
        }
      },
      "rds.backup": {
        "usd": 0.095,
        "unit": "GB-month",
        "source": {
          "name": "RDS backup storage beyond the free allowance, us-east-1: $0.095 as summarised by third parties",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-RDS:ChargedBackupUsage"
        }
      },
      "logs.ingest": {
        "usd": 0.5,
        "unit": "GB",
        "source": {
          "name": "CloudWatch Logs standard ingestion, us-east-1: $0.50/GB as summarised by third parties",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/cloudwatch/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-DataProcessing-Bytes"
        }
      },
      "logs.storage": {
        "usd": 0.03,
        "unit": "GB-month",
        "source": {
          "name": "CloudWatch Logs archived storage, us-east-1: $0.03/GB-month as summarised by third parties",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/cloudwatch/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-TimedStorage-ByteHrs"
        }
      },
      "rds.db.t4g.micro": {
        "usd": 0.016,
        "unit": "hour",
        "source": {
          "name": "RDS for PostgreSQL db.t4g.micro, us-east-1, single-AZ: $0.016/hour as listed in several code catalogues; not confirmed against AWS's price list",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-InstanceUsage:db.t4g.micro"
        }
      },
      "rds.db.t4g.micro.multiAz": {
        "usd": 0.032,
        "unit": "hour",
        "source": {
          "name": "RDS for PostgreSQL db.t4g.micro, us-east-1, Multi-AZ: twice single-AZ",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-Multi-AZUsage:db.t4g.micro"
        }
      },
      "rds.db.t4g.small": {
        "usd": 0.032,
        "unit": "hour",
        "source": {
          "name": "RDS for PostgreSQL db.t4g.small, us-east-1, single-AZ: $0.032/hour as listed in several code catalogues; not confirmed against AWS's price list",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-InstanceUsage:db.t4g.small"
        }
      },
      "rds.db.t4g.small.multiAz": {
        "usd": 0.064,
        "unit": "hour",
        "source": {
          "name": "RDS for PostgreSQL db.t4g.small, us-east-1, Multi-AZ: twice single-AZ",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-Multi-AZUsage:db.t4g.small"
        }
      },
      "rds.db.t4g.medium": {
        "usd": 0.065,
        "unit": "hour",
        "source": {
          "name": "RDS for PostgreSQL db.t4g.medium, us-east-1, single-AZ: $0.065/hour as listed in several code catalogues; not confirmed against AWS's price list",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-InstanceUsage:db.t4g.medium"
        }
      },
      "rds.db.t4g.medium.multiAz": {
        "usd": 0.13,
        "unit": "hour",
        "source": {
          "name": "RDS for PostgreSQL db.t4g.medium, us-east-1, Multi-AZ: twice single-AZ",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-Multi-AZUsage:db.t4g.medium"
        }
      },
      "rds.db.m7g.large": {
        "usd": 0.168,
        "unit": "hour",
        "source": {
          "name": "RDS for PostgreSQL db.m7g.large, us-east-1, single-AZ: $0.168/hour as listed in several code catalogues; not confirmed against AWS's price list",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-InstanceUsage:db.m7g.large"
        }
      },
      "rds.db.m7g.large.multiAz": {
        "usd": 0.336,
        "unit": "hour",
        "source": {
          "name": "RDS for PostgreSQL db.m7g.large, us-east-1, Multi-AZ: twice single-AZ",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-Multi-AZUsage:db.m7g.large"
        }
      },
      "rds.db.r6g.large": {
        "usd": 0.225,
        "unit": "hour",
        "source": {
          "name": "RDS for PostgreSQL db.r6g.large, us-east-1, single-AZ: $0.225/hour as listed in several code catalogues; not confirmed against AWS's price list",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-InstanceUsage:db.r6g.large"
        }
      },
      "rds.db.r6g.large.multiAz": {
        "usd": 0.45,
        "unit": "hour",
        "source": {
          "name": "RDS for PostgreSQL db.r6g.large, us-east-1, Multi-AZ: twice single-AZ",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-Multi-AZUsage:db.r6g.large"
        }
      },
      "rds.extendedSupport.yr1": {
        "usd": 0.1,
        "unit": "vCPU-hour",
        "source": {
          "name": "RDS Extended Support for PostgreSQL, years 1 and 2 after the end of standard support, us-east-1: $0.100 per vCPU-hour (standby included) as the pricing page states; not in a stored copy of the price list",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-ExtendedSupport:Yr1-Yr2:PostgreSQL"
        }
      },
      "rds.extendedSupport.yr3": {
        "usd": 0.2,
        "unit": "vCPU-hour",
        "source": {
          "name": "RDS Extended Support for PostgreSQL, year 3, us-east-1: $0.200 per vCPU-hour as the pricing page states; not in a stored copy of the price list",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/rds/postgresql/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-ExtendedSupport:Yr3:PostgreSQL"
        }
      },
      "cw.metric": {
        "usd": 0.3,
        "unit": "metric-month",
        "source": {
          "name": "CloudWatch custom metrics (Container Insights metrics are billed as custom metrics), first 10,000, us-east-1: $0.30 per metric-month as summarised by third parties",
          "date": "2026-12-06",
          "url": "https://aws.amazon.com/cloudwatch/pricing/",
          "estimate": true,
          "region": "us-east-1",
          "sku": "USE1-CW:MetricMonitorUsage"
        }
      }
    }
  }
};
