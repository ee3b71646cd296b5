// Globally unique physical names (S3 buckets, storage accounts, Key Vaults...): name plus a short stable hash.
import { createHash } from "node:crypto";

export function hashSuffix(parts: string[], length = 6): string {
  const digest = createHash("sha256").update(parts.join("/")).digest();
  return BigInt(`0x${digest.subarray(0, 8).toString("hex")}`).toString(36).padStart(length, "0").slice(0, length);
}

// Cut to fit the resource's length limit (maxLength), keeping the hash.
export function unique(parts: string[], maxLength: number, sep = "-"): string {
  const head = parts.map((p) => p.replace(/-/g, sep)).join(sep).slice(0, maxLength - 6 - sep.length);
  return `${sep ? head.replace(/-+$/, "") : head}${sep}${hashSuffix(parts)}`;
}

// A deterministic GUID from its parts (like Bicep's guid()), for role assignment names.
export function guid(...parts: string[]): string {
  const b = createHash("sha1").update(parts.join("\u0000")).digest().subarray(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x50;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

// A name that fits as it is, else cut and ended by the hash (as unique() does) so two long names never collide.
export function fitName(parts: string[], maxLength: number): string {
  const name = parts.join("-");
  return name.length <= maxLength ? name : unique(parts, maxLength);
}
