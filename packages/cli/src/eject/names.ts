/** Variable names for an ejected program: readable, unique, never a reserved word. */

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null " +
    "return super switch this throw true try typeof var void while with as implements interface let package private protected public static yield any " +
    "boolean constructor declare get module require number set string symbol type from of async await undefined NaN Infinity arguments eval " +
    "pulumi config stack project urn JSON Object Array String Number Error Promise"
  ).split(" "),
);

/** `crown-marketplace-private-a` -> `crownMarketplacePrivateA`. */
export function camel(s: string): string {
  const words = s.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const out = words.map((w, i) => (i === 0 ? w[0]?.toLowerCase() + w.slice(1) : (w[0]?.toUpperCase() ?? "") + w.slice(1))).join("");
  return /^[0-9]/.test(out) ? `r${out}` : out || "resource";
}

export const pascal = (s: string): string => {
  const c = camel(s);
  return (c[0]?.toUpperCase() ?? "") + c.slice(1);
};

/** Hands out unique identifiers: the wanted one, else with the hint appended, else numbered. */
export class Names {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.taken.add(r);
  }

  take(wanted: string, hint = ""): string {
    const base = RESERVED.has(wanted) ? `${wanted}${hint ? pascal(hint) : "Resource"}` : wanted;
    const options = [base, hint ? `${base}${pascal(hint)}` : ""].filter(Boolean);
    let name = options.find((o) => !this.taken.has(o) && !RESERVED.has(o));
    for (let i = 2; !name; i++) if (!this.taken.has(`${base}${i}`)) name = `${base}${i}`;
    this.taken.add(name);
    return name;
  }

  reserve(name: string): void {
    this.taken.add(name);
  }
}
