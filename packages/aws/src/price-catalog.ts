/**
 * Where each line of the AWS price table is found in the AWS Price List bulk API
 * (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-the-aws-price-list-bulk-api.html):
 * the offer file of a service for a region, and the product's usagetype without
 * the region's prefix (`EUW2-`, `EU-`, `EUC1-`...). `freehold prices refresh` reads them.
 */
import type { PriceApiLine } from "@freehold/core";
import { PRICE_TABLE } from "./price-table";

/** Every RDS instance class the table prices (the size tables' classes: sizes.test.ts checks each has a price). */
const RDS_CLASSES = Object.keys(PRICE_TABLE.regions[PRICE_TABLE.referenceRegion] ?? {})
  .filter((k) => k.startsWith("rds.db.") && !k.endsWith(".multiAz"))
  .map((k) => ({ sku: k.slice(4) }));

const line = (key: string, unit: string, service: string, usagetype: string, extra: Partial<Extract<PriceApiLine, { api: "aws" }>> = {}): PriceApiLine => ({ api: "aws", key, unit, service, usagetype, ...extra });
const postgres = { databaseEngine: "PostgreSQL" };

export const PRICE_API: readonly PriceApiLine[] = [
  line("fargate.vcpu", "vCPU-hour", "AmazonECS", "Fargate-vCPU-Hours:perCPU"),
  line("fargate.memory", "GB-hour", "AmazonECS", "Fargate-GB-Hours"),
  line("alb.hour", "hour", "AWSELB", "LoadBalancerUsage", { attributes: { operation: "LoadBalancing:Application" } }),
  line("alb.lcu", "LCU-hour", "AWSELB", "LCUUsage", { attributes: { operation: "LoadBalancing:Application" } }),
  line("nat.hour", "hour", "AmazonEC2", "NatGateway-Hours"),
  line("nat.data", "GB", "AmazonEC2", "NatGateway-Bytes"),
  line("egress.internet", "GB", "AmazonEC2", "DataTransfer-Out-Bytes", { beginRange: "1" }),
  line("s3.standard", "GB-month", "AmazonS3", "TimedStorage-ByteHrs"),
  line("s3.tier1", "1,000 requests", "AmazonS3", "Requests-Tier1", { scale: 1000 }),
  line("s3.tier2", "1,000 requests", "AmazonS3", "Requests-Tier2", { scale: 1000 }),
  line("rds.gp3", "GB-month", "AmazonRDS", "RDS:GP3-Storage", { attributes: postgres }),
  line("rds.gp3.multiAz", "GB-month", "AmazonRDS", "RDS:Multi-AZ-GP3-Storage", { attributes: postgres }),
  line("rds.backup", "GB-month", "AmazonRDS", "RDS:ChargedBackupUsage"),
  line("logs.ingest", "GB", "AmazonCloudWatch", "DataProcessing-Bytes"),
  line("logs.storage", "GB-month", "AmazonCloudWatch", "TimedStorage-ByteHrs"),
  ...RDS_CLASSES.flatMap((c) => [
    line(`rds.${c.sku}`, "hour", "AmazonRDS", `InstanceUsage:${c.sku}`, { attributes: postgres }),
    line(`rds.${c.sku}.multiAz`, "hour", "AmazonRDS", `Multi-AZUsage:${c.sku}`, { attributes: postgres }),
  ]),
];
