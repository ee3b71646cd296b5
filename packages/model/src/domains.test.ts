import { describe, expect, it } from "vitest";
import { domainZone, isZoneApex } from "./domains";
import { SpecError } from "./errors";
import { parseStack } from "./parse";
import { isCidr } from "./schema";

function problemsOf(input: unknown): string[] {
  try {
    parseStack(input, { source: "freehold.yaml" });
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

const web = (extra: Record<string, unknown>) => ({ name: "shop", components: { web: { kind: "web-service", image: "ghcr.io/example/web:1", ...extra } } });

describe("the zone of a custom domain", () => {
  it("takes a service.gov.uk name as the apex of its own zone, as GDS delegates it", () => {
    expect(domainZone("apply-for-a-licence.service.gov.uk")).toBe("apply-for-a-licence.service.gov.uk");
    expect(isZoneApex("apply-for-a-licence.service.gov.uk")).toBe(true);
  });

  it("takes a name inside a delegated service.gov.uk zone as a record in that zone", () => {
    expect(domainZone("www.apply-for-a-licence.service.gov.uk")).toBe("apply-for-a-licence.service.gov.uk");
    expect(isZoneApex("www.apply-for-a-licence.service.gov.uk")).toBe(false);
  });

  it("takes registrable names (example.co.uk, hmrc.gov.uk, example.com) as apexes and anything deeper as inside its parent", () => {
    expect(isZoneApex("example.co.uk")).toBe(true);
    expect(isZoneApex("hmrc.gov.uk")).toBe(true);
    expect(isZoneApex("example.com")).toBe(true);
    expect(domainZone("app.example.gov.uk")).toBe("example.gov.uk");
    expect(domainZone("app.example.com")).toBe("example.com");
  });

  it("uses the zone the user gives", () => {
    expect(domainZone("app.platform.example.com", "platform.example.com")).toBe("platform.example.com");
    expect(isZoneApex("app.example.com", "app.example.com")).toBe(true);
  });
});

describe("CIDR ranges", () => {
  it.each(["203.0.113.0/24", "10.0.0.0/8", "198.51.100.7/32", "0.0.0.0/0", "2001:db8::/32", "2001:db8:0:1::/64", "::/0", "fd00::1/128"])("accepts %s", (c) => {
    expect(isCidr(c)).toBe(true);
  });
  it.each(["203.0.113.1/24", "256.0.0.0/8", "10.0.0.0", "10.0.0.0/33", "010.0.0.0/8", "2001:db8::1/32", "2001:db8:::/32", "2001:DB8::/32", "10.0.0.0/8/1", "example.com/24"])("refuses %s", (c) => {
    expect(isCidr(c)).toBe(false);
  });
});

describe("settings only a public service can have", () => {
  it("refuses an IP allow-list, a firewall and a domain on a private service, each with the fix", () => {
    expect(problemsOf(web({ domain: "app.example.gov.uk", ipAllowList: ["203.0.113.0/24"], webApplicationFirewall: true }))).toEqual([
      "components.web.domain: a domain needs a public service; set public: true or remove domain",
      "components.web.ipAllowList: applies to a public service only (a private one is reachable only inside the stack's network); set public: true or remove ipAllowList",
      "components.web.webApplicationFirewall: applies to a public service only; set public: true or remove webApplicationFirewall",
    ]);
  });

  it("refuses a malformed range with its path", () => {
    expect(problemsOf(web({ public: true, ipAllowList: ["203.0.113.0/24", "203.0.113.9/24"] }))).toEqual([
      "components.web.ipAllowList[1]: must be an IPv4 or IPv6 address range in CIDR form, such as 203.0.113.0/24 or 2001:db8::/32",
    ]);
  });

  it("refuses a domain zone that does not contain the domain, and a zone without a domain", () => {
    expect(problemsOf(web({ public: true, domain: "app.example.gov.uk", domainZone: "other.gov.uk" }))).toEqual([
      'components.web.domainZone: "other.gov.uk" does not contain the domain "app.example.gov.uk"; the zone must be the domain itself or a parent of it',
    ]);
    expect(problemsOf(web({ public: true, domainZone: "example.gov.uk" }))).toEqual(["components.web.domainZone: is set without a domain; set domain or remove domainZone"]);
  });

  it("accepts them on a public service, with the firewall off and previous versions kept 30 days by default", () => {
    const s = parseStack({ ...web({ public: true, domain: "shop.service.gov.uk", domainZone: "shop.service.gov.uk", ipAllowList: ["2001:db8::/32"] }), components: { ...web({ public: true }).components, files: { kind: "object-store" }, db: { kind: "database" } } });
    const files = s.components.files;
    const db = s.components.db;
    expect(files?.kind === "object-store" && files.previousVersionsExpireAfterDays).toBe(30);
    expect(db?.kind === "database" && db.backups.keepOnDelete).toBe(true);
    const w = s.components.web;
    expect(w?.kind === "web-service" && w.webApplicationFirewall).toBe(false);
  });
});
