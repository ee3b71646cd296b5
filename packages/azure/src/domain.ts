/**
 * A custom domain on a container app with a free managed certificate
 * (https://learn.microsoft.com/azure/container-apps/custom-domains-managed-certificates).
 *
 * The user creates two DNS records, which the component outputs: a TXT record
 * proving ownership (`asuid.<domain>`, the environment's verification id) and
 * the traffic record: a CNAME to the app, or, where the domain is the apex of
 * its DNS zone (`example.co.uk`, a `<service>.service.gov.uk` name GDS
 * delegates, or whatever `domainZone` says), an A record to the environment's
 * address, since a CNAME cannot stand at a zone apex (RFC 1034 §3.6.2).
 *
 * The order Azure needs, both ways:
 * - a managed certificate is issued only for a hostname already on an app in
 *   the environment (RequireCustomHostnameInEnvironment), so the hostname goes
 *   on the app first (binding `Auto`: the platform binds the certificate once
 *   it is issued);
 * - a certificate still bound to a hostname cannot be deleted
 *   (`400 CertificateInUse`), so a removal or a destroy must delete the app
 *   before the certificate: the app depends on the certificate.
 * Both hold only if the certificate is created after the hostname is on the
 * live app, so the first `up` with a domain puts the hostname on the app, and
 * the next `up` (which reads the app's hostnames from Azure) creates the
 * certificate, with the app depending on it from then on.
 */
import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import { type DnsRecord, physicalName } from "@freehold/core";
import { isZoneApex } from "@freehold/model";
import { liveCustomDomains } from "./live";
import type { AzurePlatform } from "./network";

/** How Azure validates a managed certificate: HTTP for a zone apex (its A record points at the environment), else the CNAME to the app. */
export const validationFor = (domain: string, zone?: string) => (isZoneApex(domain, zone) ? "HTTP" : "CNAME");

/**
 * The domain's managed certificate, registered once the program has read that the hostname is on the live app
 * (undefined on the `up` that first puts it there). The app must depend on it.
 */
export function managedCertificate(
  name: string,
  domain: string,
  zone: string | undefined,
  p: AzurePlatform,
  site: { environment: app.ManagedEnvironment; appName: string; parent: pulumi.Resource },
): Promise<app.ManagedCertificate | undefined> {
  return liveCustomDomains(p.groupName, site.appName, { parent: site.parent }).then((domains) =>
    domains?.includes(domain)
      ? new app.ManagedCertificate(
          `${name}-cert`,
          {
            resourceGroupName: p.resourceGroupName,
            environmentName: site.environment.name,
            location: p.location,
            tags: p.tags,
            // Named after the domain: a new domain gets a new certificate before the old one goes.
            managedCertificateName: physicalName([name, domain], { maxLength: 63 }),
            properties: { subjectName: domain, domainControlValidation: validationFor(domain, zone) },
          },
          { parent: site.parent },
        )
      : undefined,
  );
}

/** The records the user creates: TXT `asuid.<domain>` (ownership), and a CNAME to the app, or an A record to the environment's address at a zone apex. */
export function domainRecords(domain: string, zone: string | undefined, environment: app.ManagedEnvironment, appFqdn: pulumi.Output<string>): pulumi.Output<DnsRecord[]> {
  const verification = environment.customDomainConfiguration.apply((c) => c?.customDomainVerificationId ?? "");
  const target: pulumi.Output<DnsRecord> = isZoneApex(domain, zone)
    ? environment.staticIp.apply((ip): DnsRecord => ({ name: domain, type: "A", value: ip ?? "", purpose: "traffic" }))
    : appFqdn.apply((fqdn): DnsRecord => ({ name: domain, type: "CNAME", value: fqdn, purpose: "traffic" }));
  return pulumi.all([verification, target]).apply(([id, traffic]): DnsRecord[] => [{ name: `asuid.${domain}`, type: "TXT", value: id, purpose: "domain ownership" }, traffic]);
}
