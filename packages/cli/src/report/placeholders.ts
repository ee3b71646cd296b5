/**
 * Values a plan shows that the mocks made up (a load balancer's address, a
 * certificate's validation record, a service's URL): every report marks them,
 * so nobody creates a DNS record from a placeholder.
 */
import type { DnsRecord } from "@freehold/core";
import type { PlanComponent } from "../plan/contract";

/** What a report appends to a placeholder value. */
export const PLACEHOLDER_MARK = " (placeholder: known once deployed)";

/** A DNS record, with the fields whose values are placeholders. */
export type MarkedDnsRecord = DnsRecord & { placeholder?: Array<"name" | "value"> };

/** A component's DNS records (web services with a custom domain), each with its placeholder fields named. */
export function dnsRecordsOf(c: Pick<PlanComponent, "outputs" | "placeholders">): MarkedDnsRecord[] {
  const records = Array.isArray(c.outputs.dnsRecords) ? (c.outputs.dnsRecords as DnsRecord[]) : [];
  const held = new Set(c.placeholders ?? []);
  return records.map((r, i) => {
    const placeholder = (["name", "value"] as const).filter((f) => held.has(`dnsRecords[${i}].${f}`));
    return placeholder.length ? { ...r, placeholder } : r;
  });
}

/** A record's cells (purpose, name, type, value), placeholders marked. */
export function dnsCells(r: MarkedDnsRecord): string[] {
  const mark = (f: "name" | "value") => (r.placeholder?.includes(f) ? PLACEHOLDER_MARK : "");
  return [r.purpose, `${r.name}${mark("name")}`, r.type, `${r.value}${mark("value")}`];
}
