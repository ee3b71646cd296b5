/**
 * Google Cloud lifecycle tests of a stack with a custom domain: plan it with Certificate Manager answering as the test
 * says (the program decides a front-door move on the certificates the project holds) and apply it to the simulated cloud.
 */
import { deployStack, loadBackend, registerBackend, runWithMocks } from "@freehold/core";
import { type NeutralRegion, resolveRegion, type Stack } from "@freehold/model";
import type { CloudObject } from "@freehold/rules";
import type { Harness } from "./scenarios";

/** Every live object of a type in the world. */
export const live = (h: Harness, type: string): CloudObject[] => [...h.world.objects.values()].filter((o) => o.type === type && o.status === "live");

/** The certificates' states the next `up` reads (Certificate Manager's answer to getCertificates), by location. */
export type Certs = { global?: string; regional?: string };

/** Plan a stack with Certificate Manager answering as given, and apply it, as `pulumi up` would. */
export async function upWith(h: Harness, label: string, spec: Stack, certs: Certs, config: Record<string, string> = {}): Promise<{ outcome: string; error?: string }> {
  const original = loadBackend("gcp");
  const answer = (region: unknown) => {
    const state = region ? certs.regional : certs.global;
    if (!state) return { certificates: [] };
    const names = live(h, "gcp:certificatemanager/certificate:Certificate").map((c) => String(c.name));
    return { certificates: names.map((name) => ({ name, manageds: [{ state }] })) };
  };
  registerBackend({ ...original, mocks: { ...original.mocks, call: (token, args) => (token === CERTIFICATES ? answer((args as { region?: unknown }).region) : original.mocks.call(token, args)) } });
  try {
    const run = await runWithMocks("gcp", () => deployStack(spec, { cloud: "gcp" }).outputs, { project: spec.name, stack: "dev", config });
    const region = resolveRegion("gcp", spec.region as NeutralRegion, spec.regions)?.region ?? "";
    const r = h.world.up(`${spec.name}/dev`, { cloud: "gcp", region, resources: run.resources, invokes: run.invokes });
    return { outcome: r.status, ...(r.error ? { error: `${label}: ${r.error}` } : {}) };
  } catch (e) {
    return { outcome: "refused", error: `${label}: ${String((e as Error).message)}` };
  } finally {
    registerBackend(original);
  }
}
const CERTIFICATES = "gcp:certificatemanager/getCertificates:getCertificates";

/** The user created the DNS records: Certificate Manager issues the live certificates. */
export function recordsCreated(h: Harness): void {
  for (const c of live(h, "gcp:certificatemanager/certificate:Certificate")) c.facts.issued = true;
}

/** A public service, given a domain by `withDomain`. */
export const SITE = `
name: site
components:
  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true }
`;
export const withDomain = (base: Stack, residency: "none" | "uk" = base.residency as "none" | "uk", domain = "app.example.gov.uk"): Stack => {
  const s = structuredClone(base);
  const web = s.components.web;
  if (web?.kind === "web-service") web.domain = domain;
  return { ...s, residency };
};

