/**
 * The model as other packages and users see it: the schemas behind a small
 * interface, and plain types (types.ts, generated from the schemas). Nothing
 * here names zod, so the published .d.ts files type-check in any project
 * (zod's own declarations need esModuleInterop, which Pulumi's template leaves off).
 */
import * as S from "./schema";
import type { ComponentInput, Database, DatabaseInput, ObjectStore, ObjectStoreInput, ScheduledJob, ScheduledJobInput, Stack, StackInput, WebService, WebServiceInput, Worker, WorkerInput } from "./types";

/** What a schema offers: parse (throws) and safeParse. */
export interface Schema<Out> {
  parse(input: unknown): Out;
  safeParse(input: unknown, params?: { reportInput?: boolean }): { success: true; data: Out } | { success: false; error: { issues: readonly unknown[] } };
}

/** An object schema also lists its fields. */
export interface ObjectSchema<In, Out> extends Schema<Out> {
  readonly shape: { readonly [K in keyof In]-?: unknown };
}

export const WebServiceSpec: ObjectSchema<WebServiceInput, WebService> = S.WebServiceSpec;
export const WorkerSpec: ObjectSchema<WorkerInput, Worker> = S.WorkerSpec;
export const ScheduledJobSpec: ObjectSchema<ScheduledJobInput, ScheduledJob> = S.ScheduledJobSpec;
export const DatabaseSpec: ObjectSchema<DatabaseInput, Database> = S.DatabaseSpec;
export const ObjectStoreSpec: ObjectSchema<ObjectStoreInput, ObjectStore> = S.ObjectStoreSpec;
export const StackSpec: ObjectSchema<StackInput, Stack> = S.StackSpec;

export { COMPONENT_KINDS, COMPONENT_NAME_MAX, NAME_PATTERN, POSTGRES_VERSIONS, STACK_NAME_MAX } from "./constants";
/** What a CORS rule's allowed origin must look like (https://host[:port], or http://localhost for development). */
export const CORS_ORIGIN: RegExp = S.CORS_ORIGIN;

export type ComponentKind = Component["kind"];
type Component = WebService | Worker | ScheduledJob | Database | ObjectStore;
/** The kinds that run a container: they take an image, links, a user, a registry. */
export type ContainerKind = "web-service" | "worker" | "scheduled-job";
/** A component that runs a container. */
export type ContainerComponent = WebService | Worker | ScheduledJob;
/** Does this kind of component run a container (a web service, a worker, a scheduled job)? */
export const isContainerKind = (kind: string): kind is ContainerKind => kind === "web-service" || kind === "worker" || kind === "scheduled-job";
/** Access a link grants. */
export type Access = "read" | "write" | "readWrite";
export type LinkInput = NonNullable<WebServiceInput["links"]>[number];
export type LifecycleRuleSpec = ObjectStore["lifecycle"][number];
export type CorsRuleSpec = ObjectStore["cors"][number];
export type VendorSettingsSpec = NonNullable<ComponentInput["vendor"]>;
export type ExistingNetworkSpec = NonNullable<Stack["network"]>;
export type RegistrySpec = NonNullable<WebService["registry"]>;
/** Stack-wide settings, as components take them (`stack` option, `freehold:*` config). */
export type StackSettings = Pick<Stack, "name" | "region" | "regions" | "residency" | "tags" | "network">;
export type StackSettingsInput = Pick<StackInput, "name" | "region" | "regions" | "residency" | "tags" | "network">;
