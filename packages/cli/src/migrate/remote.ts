/**
 * rclone connection strings: `:backend,param=value,param2='quoted:value':path`.
 *
 * The grammar is rclone's own (https://rclone.org/docs/#connection-strings):
 * a parameter name is letters, digits and `_`; a value ends at the next `,` or
 * `:` unless it is quoted with `'` or `"` (a quote inside is doubled); a
 * parameter without `=value` means `=true`. Anything after the `:` that ends
 * the parameters is the path. A string without a `:` is a local path, as in
 * rclone. Freehold never reads an rclone config file, so a named remote
 * (`myremote:bucket`) is refused with a hint.
 */
import path from "node:path";
import type { RcloneBackend, RcloneRemote } from "./rclone";

/** The backends Freehold copies between, by the name used in a connection string. */
const BACKENDS: Record<string, RcloneBackend> = { s3: "s3", azureblob: "azureblob", gcs: "gcs", "google cloud storage": "gcs", local: "local" };

export type ParsedRemote = { ok: true; remote: RcloneRemote } | { ok: false; reason: string };

const isParamChar = (c: string) => /[A-Za-z0-9_]/.test(c);

/** Parse the `param=value,...` part that follows `:backend,` up to and including the `:` that ends it. */
function parseParams(text: string, start: number): { options: Record<string, string>; end: number } | { reason: string } {
  const options: Record<string, string> = {};
  let i = start;
  for (;;) {
    const nameStart = i;
    while (i < text.length && isParamChar(text[i] as string)) i++;
    const name = text.slice(nameStart, i);
    const c = text[i];
    if (c === undefined) return { reason: name ? `parameter "${name}" must end with "," or ":"` : "the parameters must end with \":\" before the path" };
    if (c !== "=" && c !== "," && c !== ":") return { reason: `parameter names may contain only letters, digits and _; found ${JSON.stringify(c)} at character ${i + 1}` };
    if (!name) return { reason: `empty parameter name at character ${i + 1}` };
    if (c !== "=") {
      options[name] = "true";
      i++;
      if (c === ":") return { options, end: i };
      continue;
    }
    i++;
    const q = text[i];
    if (q === "'" || q === '"') {
      const open = i;
      let value = "";
      i++;
      for (;;) {
        const ch = text[i];
        if (ch === undefined) return { reason: `the value of "${name}" opened with ${q} at character ${open + 1} is never closed` };
        if (ch === q) {
          if (text[i + 1] === q) {
            value += q;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += ch;
        i++;
      }
      const after = text[i];
      if (after !== "," && after !== ":")
        return { reason: `after the quoted value of "${name}" expected "," or ":" but found ${after === undefined ? "the end" : JSON.stringify(after)} at character ${i + 1}` };
      options[name] = value;
      i++;
      if (after === ":") return { options, end: i };
      continue;
    }
    const valueStart = i;
    while (i < text.length && text[i] !== "," && text[i] !== ":") i++;
    if (i >= text.length) return { reason: `the value of "${name}" must end with "," or ":" (quote a value that contains ":" or ",", e.g. ${name}='${text.slice(valueStart)}')` };
    options[name] = text.slice(valueStart, i);
    const sep = text[i];
    i++;
    if (sep === ":") return { options, end: i };
  }
}

/** Parse a connection string or a local path. Never throws. */
export function parseRemoteString(text: string): ParsedRemote {
  if (text === "") return { ok: false, reason: "is empty" };
  if (!text.includes(":")) return { ok: true, remote: { type: "local", options: {}, path: path.resolve(text) } };
  if (!text.startsWith(":")) {
    const named = /^([\w .-]+)[,:]/.exec(text);
    if (named && !named[1]?.includes("/"))
      return {
        ok: false,
        reason: `names the rclone remote "${named[1]}"; Freehold does not read rclone.conf: write the remote as a connection string, e.g. :s3,provider=AWS,env_auth:bucket/prefix`,
      };
    return { ok: true, remote: { type: "local", options: {}, path: path.resolve(text) } };
  }
  let i = 1;
  while (i < text.length && text[i] !== "," && text[i] !== ":") i++;
  const backend = text.slice(1, i);
  const type = BACKENDS[backend];
  if (!type) return { ok: false, reason: `${backend ? `"${backend}" is not a backend Freehold copies between` : "names no backend"}; use :s3, :azureblob or :gcs (or a local directory)` };
  let options: Record<string, string> = {};
  let end: number;
  if (text[i] === ",") {
    const p = parseParams(text, i + 1);
    if ("reason" in p) return { ok: false, reason: p.reason };
    options = p.options;
    end = p.end;
  } else if (text[i] === ":") end = i + 1;
  else return { ok: false, reason: `the backend ":${backend}" must be followed by "," and parameters, or ":" and the path` };
  const remotePath = text.slice(end);
  if (type !== "local") {
    const bucket = remotePath.split("/")[0] ?? "";
    if (remotePath.startsWith("/") || bucket.includes(":")) {
      // rclone would accept it, but an option value ended at a ":" it should have kept (endpoint=http://host:9000).
      const last = Object.keys(options).pop();
      return {
        ok: false,
        reason: `reads as bucket or container ${JSON.stringify(remotePath)}, which no bucket name can be${last ? `: the value of "${last}" ended at the first ":"; quote a value that holds ":" or ",", e.g. ${last}='${options[last]}:${remotePath.slice(0, remotePath.lastIndexOf(":"))}'` : ""}`,
      };
    }
    if (!bucket) return { ok: false, reason: "has no bucket or container after the last \":\"" };
  }
  return { ok: true, remote: { type, options, path: type === "local" ? path.resolve(remotePath || ".") : remotePath } };
}

/** Quote a parameter value when rclone would otherwise split it (it contains `:`, `,` or starts with a quote). */
function formatValue(value: string): string {
  if (!/[:,]/.test(value) && !/^['"]/.test(value)) return value;
  const q = value.includes("'") && !value.includes('"') ? '"' : "'";
  return `${q}${value.split(q).join(q + q)}${q}`;
}

/** A connection string rclone (and `parseRemoteString`) reads back as exactly these options. */
export function formatRemote(type: string, options: Record<string, string>, remotePath: string): string {
  return `:${type}${Object.entries(options)
    .map(([k, v]) => `,${k}=${formatValue(v)}`)
    .join("")}:${remotePath}`;
}
