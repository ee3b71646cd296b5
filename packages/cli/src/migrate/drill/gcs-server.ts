/**
 * What stands in for Google Cloud Storage in the exit drill: a small server,
 * written here, that speaks the part of the Cloud Storage JSON API
 * (https://cloud.google.com/storage/docs/json_api/v1) that rclone's own `gcs`
 * backend uses: bucket metadata and creation, object listing (with prefix,
 * delimiter and pages), object metadata with base64 MD5 and CRC-less
 * hashes, media download, multipart and resumable uploads, and deletion.
 *
 * Why this and not an emulator: no Cloud Storage emulator installs from the
 * registries this project may use (fake-gcs-server is a Go program; the
 * Firebase emulator suite serves Firebase Storage's own API). With this
 * server the drill drives rclone's real `gcs` backend (the one the exit plan's
 * commands name) with `endpoint` pointed here and `anonymous` access, so what
 * is exercised is rclone's Cloud Storage client, not a translation to another
 * protocol. What it does not check: IAM (every request is allowed), object
 * ACLs, versions, retention.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RcloneRemote } from "../rclone";
import type { RunningServer } from "../servers";

interface StoredObject {
  data: Buffer;
  contentType: string;
  updated: string;
  generation: number;
}

export interface GcsServer extends RunningServer {
  /** The JSON API base, as rclone's `endpoint` option takes it. */
  endpoint: string;
  remote(bucketAndPrefix: string): RcloneRemote;
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

const notFound = (res: ServerResponse, what: string) => json(res, 404, { error: { code: 404, message: `No such object: ${what}`, errors: [{ reason: "notFound", message: `No such object: ${what}` }] } });

/** The parts of a multipart/related upload: the metadata (JSON) and the media. */
function multipart(contentType: string, data: Buffer): { meta: Record<string, unknown>; media: Buffer } {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new Error("multipart upload without a boundary");
  const sep = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = data.indexOf(sep);
  while (at >= 0) {
    const next = data.indexOf(sep, at + sep.length);
    if (next < 0) break;
    parts.push(data.subarray(at + sep.length, next));
    at = next;
  }
  const content = (p: Buffer) => {
    const split = p.indexOf("\r\n\r\n");
    return p.subarray(split + 4, p.length - 2); // drop the CRLF before the next boundary
  };
  const [metaPart, mediaPart] = parts;
  if (!metaPart || !mediaPart) throw new Error("multipart upload without metadata and media");
  return { meta: JSON.parse(content(metaPart).toString("utf8") || "{}") as Record<string, unknown>, media: content(mediaPart) };
}

/** Start the Cloud Storage stand-in on 127.0.0.1:<free port>. Buckets exist once created or written to. */
export async function startGcsServer(opts: { log?: (l: string) => void } = {}): Promise<GcsServer> {
  const buckets = new Map<string, Map<string, StoredObject>>();
  const uploads = new Map<string, { bucket: string; name: string; contentType: string; chunks: Buffer[] }>();
  let generation = 1;
  let base = "";
  const bucketOf = (name: string) => {
    let b = buckets.get(name);
    if (!b) {
      b = new Map();
      buckets.set(name, b);
    }
    return b;
  };
  const resource = (bucket: string, name: string, o: StoredObject) => ({
    kind: "storage#object",
    id: `${bucket}/${name}/${o.generation}`,
    selfLink: `${base}/storage/v1/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(name)}`,
    mediaLink: `${base}/download/storage/v1/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(name)}?generation=${o.generation}&alt=media`,
    name,
    bucket,
    generation: String(o.generation),
    metageneration: "1",
    contentType: o.contentType,
    storageClass: "STANDARD",
    size: String(o.data.length),
    md5Hash: createHash("md5").update(o.data).digest("base64"),
    timeCreated: o.updated,
    updated: o.updated,
  });
  const store = (bucket: string, name: string, data: Buffer, contentType: string) => {
    const o = { data, contentType: contentType || "application/octet-stream", updated: new Date().toISOString(), generation: generation++ };
    bucketOf(bucket).set(name, o);
    return resource(bucket, name, o);
  };

  const list = (res: ServerResponse, bucket: string, q: URLSearchParams) => {
    const prefix = q.get("prefix") ?? "";
    const delimiter = q.get("delimiter") ?? "";
    const max = Math.min(Number(q.get("maxResults") ?? 1000) || 1000, 1000);
    const names = [...(buckets.get(bucket)?.keys() ?? [])].filter((n) => n.startsWith(prefix)).sort();
    const items: string[] = [];
    const prefixes = new Set<string>();
    for (const n of names) {
      const rest = n.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      if (cut >= 0) prefixes.add(prefix + rest.slice(0, cut + delimiter.length));
      else items.push(n);
    }
    const start = Number(q.get("pageToken") ?? 0) || 0;
    const page = items.slice(start, start + max);
    const b = buckets.get(bucket) as Map<string, StoredObject>;
    json(res, 200, {
      kind: "storage#objects",
      items: page.map((n) => resource(bucket, n, b.get(n) as StoredObject)),
      ...(start === 0 && prefixes.size ? { prefixes: [...prefixes].sort() } : {}),
      ...(start + max < items.length ? { nextPageToken: String(start + max) } : {}),
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", base);
    const p = url.pathname;
    const q = url.searchParams;
    let m = /^\/storage\/v1\/b\/([^/]+)$/.exec(p);
    if (m) {
      const bucket = decodeURIComponent(m[1] as string);
      if (req.method === "GET") return json(res, 200, { kind: "storage#bucket", id: bucket, name: bucket, location: "LOCAL", storageClass: "STANDARD" });
      if (req.method === "DELETE") {
        buckets.delete(bucket);
        res.writeHead(204).end();
        return;
      }
    }
    if (p === "/storage/v1/b" && req.method === "POST") {
      const meta = JSON.parse((await body(req)).toString("utf8") || "{}") as { name?: string };
      bucketOf(meta.name ?? "");
      return json(res, 200, { kind: "storage#bucket", id: meta.name, name: meta.name });
    }
    m = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(p);
    if (m && req.method === "GET") return list(res, decodeURIComponent(m[1] as string), q);
    m = /^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(p);
    if (m) {
      const bucket = decodeURIComponent(m[1] as string);
      const name = decodeURIComponent(m[2] as string);
      const o = buckets.get(bucket)?.get(name);
      if (req.method === "DELETE") {
        if (!o) return notFound(res, name);
        buckets.get(bucket)?.delete(name);
        res.writeHead(204).end();
        return;
      }
      if (!o) return notFound(res, name);
      if (q.get("alt") === "media") {
        const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
        if (range) {
          const from = Number(range[1]);
          const to = range[2] ? Math.min(Number(range[2]), o.data.length - 1) : o.data.length - 1;
          res.writeHead(206, { "content-type": o.contentType, "content-length": to - from + 1, "content-range": `bytes ${from}-${to}/${o.data.length}` });
          res.end(o.data.subarray(from, to + 1));
          return;
        }
        res.writeHead(200, { "content-type": o.contentType, "content-length": o.data.length });
        res.end(o.data);
        return;
      }
      return json(res, 200, resource(bucket, name, o));
    }
    m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(p);
    if (m) {
      const bucket = decodeURIComponent(m[1] as string);
      const kind = q.get("uploadType");
      if (kind === "multipart" && req.method === "POST") {
        const { meta, media } = multipart(req.headers["content-type"] ?? "", await body(req));
        return json(res, 200, store(bucket, String(meta.name ?? q.get("name") ?? ""), media, String(meta.contentType ?? "")));
      }
      if (kind === "media" && req.method === "POST") return json(res, 200, store(bucket, q.get("name") ?? "", await body(req), req.headers["content-type"] ?? ""));
      if (kind === "resumable" && req.method === "POST" && !q.has("upload_id")) {
        const meta = JSON.parse((await body(req)).toString("utf8") || "{}") as { name?: string; contentType?: string };
        const id = `u${generation++}`;
        uploads.set(id, { bucket, name: meta.name ?? q.get("name") ?? "", contentType: meta.contentType ?? String(req.headers["x-upload-content-type"] ?? ""), chunks: [] });
        res.writeHead(200, { location: `${base}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&upload_id=${id}`, "content-length": 0 });
        res.end();
        return;
      }
      // Chunks come as PUT (the API's documented form) or POST (Google's Go client).
      if (kind === "resumable" && (req.method === "PUT" || req.method === "POST")) {
        const u = uploads.get(q.get("upload_id") ?? "");
        if (!u) return notFound(res, "upload");
        u.chunks.push(await body(req));
        const range = /bytes (?:\d+-(\d+)|\*)\/(\d+|\*)/.exec(String(req.headers["content-range"] ?? ""));
        const total = range?.[2] && range[2] !== "*" ? Number(range[2]) : undefined;
        const have = u.chunks.reduce((n, c) => n + c.length, 0);
        if (total === undefined || have < total) {
          // "Resume incomplete": a client that asks for no 308 (X-GUploader-No-308) gets 200 with the status in a header.
          const no308 = req.headers["x-guploader-no-308"] === "yes";
          res.writeHead(no308 ? 200 : 308, { range: `bytes=0-${have - 1}`, "content-length": 0, ...(no308 ? { "x-http-status-code-override": "308" } : {}) });
          res.end();
          return;
        }
        uploads.delete(q.get("upload_id") ?? "");
        return json(res, 200, store(u.bucket, u.name, Buffer.concat(u.chunks), u.contentType));
      }
    }
    json(res, 400, { error: { code: 400, message: `the Cloud Storage stand-in does not serve ${req.method} ${p}` } });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => json(res, 500, { error: { code: 500, message: e instanceof Error ? e.message : String(e) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  const endpoint = `${base}/storage/v1/`;
  opts.log?.(`Cloud Storage stand-in (JSON API) on ${endpoint}`);
  return {
    software: "Freehold's Cloud Storage stand-in (Cloud Storage JSON API)",
    version: "1",
    host: "127.0.0.1",
    port,
    pid: process.pid,
    endpoint,
    remote: (path) => ({ type: "gcs", options: { endpoint, anonymous: "true", bucket_policy_only: "true" }, path }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
