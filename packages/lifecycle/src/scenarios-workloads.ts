/**
 * The field changes of a worker and a scheduled job (scenarios.ts runs each
 * one changed, `up` again, and back): every field of both kinds, or the reason
 * it has no change.
 */
import type { Component, Database, ObjectStore, ScheduledJob, Worker } from "@freehold/model";

type Edit = (c: Component) => Component | undefined;
type Change = { field: string; label: string; expect: "ok" | "safe"; edit: Edit };

/** A database or an object store: what the containers link to. */
export const isData = (c: Component): c is Database | ObjectStore => c.kind === "database" || c.kind === "object-store";

const biggerPreset = (s: unknown) => (s === "small" ? "medium" : s === "medium" ? "large" : "small");
const REGISTRY_SECRET = "registryToken";

/** The changes a worker and a job share (their container), for one kind. */
function containerChanges(kind: "worker" | "scheduled-job"): Change[] {
  type C = Worker | ScheduledJob;
  const on = (f: (c: C) => C | undefined): Edit => (c) => (c.kind === kind ? f(c) : undefined);
  return [
    { field: "image", label: "a new image tag", expect: "ok", edit: on((c) => ({ ...c, image: `${c.image.replace(/:[^/:]*$/, "")}:next` })) },
    { field: "command", label: "another command, or the image's entrypoint again", expect: "ok", edit: on((c) => ({ ...c, command: c.command ? undefined : ["/bin/sh", "-c"] })) },
    { field: "args", label: "other arguments, or the image's command again", expect: "ok", edit: on((c) => ({ ...c, args: c.args?.[0] === "other" ? undefined : ["other"] })) },
    { field: "size", label: "a bigger size", expect: "ok", edit: on((c) => ({ ...c, size: typeof c.size === "string" ? biggerPreset(c.size) : "medium" }) as C) },
    { field: "env", label: "an environment variable added", expect: "ok", edit: on((c) => ({ ...c, env: { ...c.env, FEATURE_FLAG: "on" } })) },
    { field: "links", label: "links removed", expect: "ok", edit: on((c) => (c.links.length ? { ...c, links: [] } : undefined)) },
    { field: "registry", label: "a private registry added or removed", expect: "ok", edit: on((c) => ({ ...c, registry: c.registry ? undefined : { server: "ghcr.io", username: "deploy-bot", passwordSecret: REGISTRY_SECRET } })) },
    // Explicit requests a cloud may refuse (at plan time, before anything changes).
    { field: "user", label: "a fixed uid", expect: "safe", edit: on((c) => ({ ...c, user: c.user ? undefined : "10001" })) },
    { field: "writableRootFilesystem", label: "a writable root filesystem asked for, or the default again", expect: "safe", edit: on((c) => ({ ...c, writableRootFilesystem: c.writableRootFilesystem === true ? undefined : true })) },
    { field: "acceptDegraded", label: "accepted degradations changed", expect: "safe", edit: on((c) => ({ ...c, acceptDegraded: c.acceptDegraded.length ? [] : [`${kind}.read-only-root-filesystem`] }) as C) },
  ];
}

const onWorker = (f: (c: Worker) => Worker): Edit => (c) => (c.kind === "worker" ? f(c) : undefined);
const onJob = (f: (c: ScheduledJob) => ScheduledJob): Edit => (c) => (c.kind === "scheduled-job" ? f(c) : undefined);

export const WORKLOAD_FIELD_CHANGES: { worker: Change[]; "scheduled-job": Change[] } = {
  worker: [
    ...containerChanges("worker"),
    { field: "scaling", label: "more instances", expect: "ok", edit: onWorker((c) => ({ ...c, scaling: { min: c.scaling.min + 1, max: c.scaling.max + 2 } })) },
  ],
  "scheduled-job": [
    ...containerChanges("scheduled-job"),
    { field: "schedule", label: "another schedule", expect: "ok", edit: onJob((c) => ({ ...c, schedule: c.schedule === "30 3 * * *" ? "0 2 * * *" : "30 3 * * *" })) },
    // Another zone: a cloud that reads schedules in UTC only may refuse it at plan time.
    { field: "timeZone", label: "another time zone", expect: "safe", edit: onJob((c) => ({ ...c, timeZone: c.timeZone === "UTC" ? "Europe/London" : "UTC" })) },
    { field: "timeoutSeconds", label: "a longer timeout", expect: "ok", edit: onJob((c) => ({ ...c, timeoutSeconds: c.timeoutSeconds * 2 })) },
    { field: "retries", label: "more retries", expect: "ok", edit: onJob((c) => ({ ...c, retries: c.retries + 1 })) },
  ],
};

export const WORKLOAD_FIELDS_NOT_CHANGED: { worker: Record<string, string>; "scheduled-job": Record<string, string> } = {
  worker: { kind: "the component's kind", vendor: "per-cloud escape hatch: its effect is the vendor's" },
  "scheduled-job": { kind: "the component's kind", vendor: "per-cloud escape hatch: its effect is the vendor's" },
};
