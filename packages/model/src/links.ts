/**
 * The neutral environment variables a link injects. Defined here, beside the
 * schema, so a stack file is refused at parse time when its own `env` would
 * collide with them; core fills in the values.
 */

export type LinkKind = "database" | "object-store";

export const LINK_VARIABLES: Record<LinkKind, readonly string[]> = {
  database: ["HOST", "PORT", "NAME", "USER", "SSLMODE", "SSLROOTCERT", "PASSWORD"],
  "object-store": ["PROVIDER", "BUCKET", "ENDPOINT", "ACCESS"],
};

const BASE: Record<LinkKind, string> = { database: "DATABASE_", "object-store": "OBJECT_STORE_" };

/**
 * The prefix of one link's variables: `DATABASE_` when the service links one
 * database, `REPORTS_DATABASE_` (the component's name first) when it links several.
 */
export function linkVariablePrefix(links: ReadonlyArray<{ name: string; kind: LinkKind }>, link: { name: string; kind: LinkKind }): string {
  const several = links.filter((l) => l.kind === link.kind).length > 1;
  return `${several ? `${link.name.toUpperCase().replace(/-/g, "_")}_` : ""}${BASE[link.kind]}`;
}

/** Every variable name a set of links injects. */
export function linkVariableNames(links: ReadonlyArray<{ name: string; kind: LinkKind }>): string[] {
  return links.flatMap((l) => LINK_VARIABLES[l.kind].map((v) => `${linkVariablePrefix(links, l)}${v}`));
}
