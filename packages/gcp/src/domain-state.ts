/**
 * A custom domain without an outage of the service. A domain's certificate
 * cannot be active until the user creates the DNS records the `up` that made
 * it prints (https://cloud.google.com/certificate-manager/docs/dns-authorizations),
 * so the service's run.app address keeps taking traffic until it is: each
 * `up` reads the certificate's state (`getCertificates`, through the stack's
 * provider) and closes run.app (ingress: load balancer only) in the first
 * `up` after the certificate is active. The same holds when a residency
 * change moves the domain to the other kind of load balancer (a new address
 * and a new certificate): run.app opens again until the new certificate is
 * active, and the `up` warns that the domain's records must change.
 */
import type { WebServiceRequest } from "@freehold/core";
import * as certificatemanager from "@pulumi/gcp/certificatemanager";
import * as pulumi from "@pulumi/pulumi";
import { certificateName, type FrontDoor, frontDoorFor } from "./domain";
import type { GcpPlatform } from "./network";

/** A certificate's state as Certificate Manager reports it, `NONE` when there is none (or its API is off, on a first `up`), `UNKNOWN` when it reports none. */
export type CertificateState = string;
export type CertificateStates = Record<FrontDoor, CertificateState>;

/** The state of the certificate named `name` among those listed. */
export function stateOf(certificates: ReadonlyArray<{ name?: string; manageds?: ReadonlyArray<{ state?: string }> }> | undefined, name: string): CertificateState {
  const found = (certificates ?? []).find((c) => c.name === name || String(c.name ?? "").endsWith(`/certificates/${name}`));
  return found ? (found.manageds?.[0]?.state ?? "UNKNOWN") : "NONE";
}

/**
 * The filter that selects the one certificate, whatever else the location holds: the provider's data source makes one
 * List call and does not follow `nextPageToken`, so without it a project with many certificates could answer without
 * this one (terraform-provider-google, data_source_google_certificate_manager_certificates.go; the List method's
 * `filter`: https://cloud.google.com/certificate-manager/docs/reference/certificate-manager/rest/v1/projects.locations.certificates/list).
 */
export function certificateFilter(projectId: string, location: string, name: string): string {
  return `name="projects/${projectId}/locations/${location}/certificates/${name}"`;
}

/**
 * A failed read. With the API off (a first `up`) no certificate can exist: `NONE`. Any other failure (a permission,
 * a quota, an outage) fails the `up` rather than guess: guessing "not active" would reopen run.app on a service whose
 * certificate has long been active, bypassing the load balancer's TLS policy.
 */
export function readFailure(domain: string, location: string, error: unknown): CertificateState {
  const message = String((error as Error)?.message ?? error);
  if (/SERVICE_DISABLED|has not been used in project|API (has not been used|is disabled|not enabled)/i.test(message)) return "NONE";
  throw new pulumi.RunError(
    `could not read the certificate of ${domain} in ${location} (${message}): Freehold reads it on every up to decide whether the service's run.app address stays closed, and does not guess; give the deploying identity certificatemanager.certs.list (roles/certificatemanager.owner) and run up again`,
  );
}

/** The domain's certificate in both locations, read on every `up`. */
export function certificateStates(req: WebServiceRequest, platform: GcpPlatform, domain: string): pulumi.Output<CertificateStates> {
  const name = certificateName(req, domain);
  const read = (projectId: string, region?: string): Promise<CertificateState> =>
    certificatemanager.getCertificates({ ...(region ? { region } : {}), filter: certificateFilter(projectId, region ?? "global", name) }, { parent: req.parent }).then(
      (r) => stateOf(r?.certificates, name),
      (e) => readFailure(domain, region ?? "global", e),
    );
  return platform.info().apply((p) => Promise.all([read(p.projectId ?? "", undefined), read(p.projectId ?? "", platform.region)]).then(([global, regional]): CertificateStates => ({ global, regional })));
}

export interface DomainDecision {
  /** The service takes traffic only from its load balancer (run.app closed). */
  loadBalancerOnly: boolean;
  /** Why run.app is still open, or what the user must do, for the plan and the `up`'s warnings. */
  note?: string;
}

/** The stack setting that lets an `up` move these components' domains to the other kind of load balancer: component names, comma-separated. */
export const ACCEPT_DOMAIN_MOVE = "acceptDomainMove";

/** The components named in `freehold:acceptDomainMove`. */
export function acceptedMoves(value: string | undefined): Set<string> {
  return new Set((value ?? "").split(",").map((c) => c.trim()).filter(Boolean));
}

/**
 * Why an `up` must not move the domain yet: a residency change swaps the load balancer (global for regional
 * or back), and Pulumi deletes the old one at the end of that same `up`, while the new address and certificate
 * answer only once the user has changed the domain's records. The user chooses that outage, and when, with
 * the steps here.
 */
export function domainMoveRefusal(req: Pick<WebServiceRequest, "stack" | "spec" | "name">, domain: string, from: FrontDoor, to: FrontDoor): string {
  const filtered = Boolean(req.spec.ipAllowList || req.spec.webApplicationFirewall);
  const meanwhile = filtered
    ? "the service does not answer on its run.app address meanwhile: its IP allow list or firewall applies only at the load balancer"
    : "the service answers on its run.app address meanwhile";
  return (
    `component "${req.name}": moving https://${domain} from the ${from} load balancer to a ${to} one (residency ${req.stack.residency}) gives it a new address and a new certificate, ` +
    `and this up would delete the ${from} load balancer at its end: the domain would not answer until its records point at the new address and the new certificate is active. ` +
    `Refused, so that the outage is one you choose. To move: ` +
    "1. a day before, lower the TTL of the domain's records to 60 seconds; " +
    `2. pulumi config set freehold:${ACCEPT_DOMAIN_MOVE} ${req.name}, then pulumi up (${meanwhile}); ` +
    "3. at once create the records that up prints (the stack output dnsRecords: the new address record and the new validation record); " +
    "4. pulumi up again once the certificate is active; " +
    `5. pulumi config rm freehold:${ACCEPT_DOMAIN_MOVE}. To keep the ${from} load balancer, undo the residency change.`
  );
}

/**
 * What this `up` does with the domain. Filtering (an allow list or the
 * firewall) closes run.app at once: a filter run.app bypasses filters nothing.
 * A move to the other kind of load balancer is refused unless the stack's
 * `freehold:acceptDomainMove` names the component (`accepted`).
 */
export function decideDomain(req: Pick<WebServiceRequest, "stack" | "spec" | "name">, domain: string, states: CertificateStates, accepted = false): DomainDecision {
  const wanted = frontDoorFor(req);
  const other: FrontDoor = wanted === "global" ? "regional" : "global";
  const moving = states[other] === "ACTIVE" && states[wanted] !== "ACTIVE";
  if (moving && !accepted) throw new DomainMoveRefused(domainMoveRefusal(req, domain, other, wanted));
  const move = moving
    ? `https://${domain} moves from the ${other} load balancer to the ${wanted} one (residency ${req.stack.residency}): a new address and a new certificate, so the domain answers again only once its records point at the new address and the new validation record is in place (dnsRecords); lower the records' TTL first. `
    : "";
  if (req.spec.ipAllowList || req.spec.webApplicationFirewall) return { loadBalancerOnly: true, ...(moving ? { note: move } : {}) };
  if (states[wanted] === "ACTIVE") return { loadBalancerOnly: true };
  return { loadBalancerOnly: false, note: `${move}The certificate for ${domain} is not active yet (${states[wanted]}): the service also answers on its run.app address until the first \`pulumi up\` after it is.` };
}

/**
 * A domain move the stack did not accept. Thrown where the service's ingress is computed, once the
 * certificates' states are read (an invoke, which `pulumi preview` runs too): the program fails before the
 * service or the load balancers change, and the engine deletes nothing (deletions follow only a program that
 * completed). A RunError, so Pulumi prints the message without a stack trace.
 */
export class DomainMoveRefused extends pulumi.RunError {}
