/**
 * A custom domain on a container app with a free managed certificate
 * (https://learn.microsoft.com/azure/container-apps/custom-domains-managed-certificates):
 * the hostname on the app's ingress, bound automatically once the certificate
 * is issued, and the certificate itself, which Azure issues only for a
 * hostname already on an app. The user creates two DNS records, which the
 * component outputs: a TXT record proving ownership (`asuid.<domain>`, the
 * environment's verification id) and the traffic record (a CNAME to the app,
 * which also validates the certificate; an apex domain takes an A record to
 * the environment's address and is validated over HTTP).
 */
import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import { type DnsRecord, physicalName } from "@freehold/core";
import type { AzurePlatform } from "./network";

/** Public suffixes of two labels under which a registrable domain has three (the UK's, where Freehold's buyers are, and common ones). */
const TWO_LABEL_SUFFIXES = new Set(["gov.uk", "co.uk", "org.uk", "ac.uk", "nhs.uk", "police.uk", "mod.uk", "sch.uk", "ltd.uk", "plc.uk", "me.uk", "net.uk", "com.au", "co.nz"]);

/** True for an apex (registrable) domain, which cannot be a CNAME: `example.gov.uk`, `example.com`. */
export function isApex(domain: string): boolean {
  const labels = domain.split(".");
  return labels.length === 2 || (labels.length === 3 && TWO_LABEL_SUFFIXES.has(labels.slice(1).join(".")));
}

export interface CustomDomain {
  certificate: app.ManagedCertificate;
  records: pulumi.Output<DnsRecord[]>;
}

export function customDomain(
  name: string,
  domain: string,
  p: AzurePlatform,
  site: { environment: app.ManagedEnvironment; containerApp: app.ContainerApp; appName: string; parent: pulumi.Resource },
): CustomDomain {
  const { environment, containerApp, appName } = site;
  const apex = isApex(domain);
  const certificate = new app.ManagedCertificate(
    `${name}-cert`,
    {
      resourceGroupName: p.resourceGroupName,
      environmentName: environment.name,
      location: p.location,
      tags: p.tags,
      // Named after the domain: a new domain gets a new certificate before the old one goes.
      managedCertificateName: physicalName([name, domain], { maxLength: 63 }),
      properties: { subjectName: domain, domainControlValidation: apex ? "HTTP" : "CNAME" },
    },
    // Azure issues it only once the hostname is on an app in the environment.
    { parent: site.parent, dependsOn: [containerApp] },
  );
  const verification = environment.customDomainConfiguration.apply((c) => c?.customDomainVerificationId ?? "");
  const target: pulumi.Output<DnsRecord> = apex
    ? environment.staticIp.apply((ip): DnsRecord => ({ name: domain, type: "A", value: ip ?? "", purpose: "traffic" }))
    : containerApp.configuration.apply((c): DnsRecord => ({ name: domain, type: "CNAME", value: c?.ingress?.fqdn ?? `${appName}.${p.location}.azurecontainerapps.io`, purpose: "traffic" }));
  const records = pulumi.all([verification, target]).apply(([id, traffic]): DnsRecord[] => [{ name: `asuid.${domain}`, type: "TXT", value: id, purpose: "domain ownership" }, traffic]);
  return { certificate, records };
}
