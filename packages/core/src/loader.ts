import { type Cloud, CLOUDS, didYouMean } from "@freehold/model";
import type { Backend, BackendMocks } from "./backend";

/** Package that implements each cloud. */
export const BACKEND_PACKAGES: Record<Cloud, string> = {
  aws: "@freehold/aws",
  azure: "@freehold/azure",
  gcp: "@freehold/gcp",
};

/** Thrown when the cloud is not chosen, or not a cloud Freehold knows. */
export class CloudChoiceError extends Error {
  override readonly name = "CloudChoiceError";
}

const loaded = new Map<Cloud, Backend>();

export function isCloud(value: unknown): value is Cloud {
  return typeof value === "string" && (CLOUDS as readonly string[]).includes(value);
}

export function assertCloud(value: unknown, where: string): Cloud {
  if (isCloud(value)) return value;
  const hint = typeof value === "string" ? didYouMean(value, CLOUDS) : undefined;
  throw new CloudChoiceError(
    `${where}: ${JSON.stringify(value)} is not a cloud Freehold supports; allowed: ${CLOUDS.join(", ")}${hint ? `. Did you mean "${hint}"?` : ""}`,
  );
}

/** Use this backend object for its cloud instead of loading the package (tests, custom backends). */
export function registerBackend(backend: Backend): void {
  loaded.set(backend.cloud, backend);
}

/**
 * Load one backend, lazily and only that one: the other clouds' SDKs are never
 * required. The package must export `backend`.
 */
export function loadBackend(cloud: Cloud): Backend {
  const existing = loaded.get(cloud);
  if (existing) return existing;
  const pkg = BACKEND_PACKAGES[cloud];
  let mod: { backend?: Backend };
  try {
    // A plain require keeps loading synchronous (component constructors are synchronous) and lazy.
    mod = require(pkg) as { backend?: Backend };
  } catch (e) {
    throw missingPackage(cloud, e) ?? e;
  }
  if (!mod.backend || mod.backend.cloud !== cloud) throw new CloudChoiceError(`${pkg} does not export a backend for ${cloud}`);
  loaded.set(cloud, mod.backend);
  return mod.backend;
}

/**
 * What a failed load of a backend package means for its user: the package
 * itself missing, or a package it needs (the cloud's Pulumi SDK, say) missing.
 * Node's message lists the require stack, which names the backend either way,
 * so only the module it could not find (the first line) tells them apart.
 */
export function missingPackage(cloud: Cloud, e: unknown): CloudChoiceError | undefined {
  if ((e as NodeJS.ErrnoException)?.code !== "MODULE_NOT_FOUND") return undefined;
  const pkg = BACKEND_PACKAGES[cloud];
  const wanted = /Cannot find module '([^']+)'/.exec(String((e as Error).message))?.[1];
  if (wanted === undefined) return undefined;
  if (wanted === pkg) return new CloudChoiceError(`The ${cloud} backend is not installed: add ${pkg} to your program's dependencies (npm install ${pkg}).`);
  // A bare package name (scoped or not) of what is missing; a relative path means a broken install of the backend itself.
  const name = /^(@[^/]+\/[^/]+|[^./@][^/]*)/.exec(wanted)?.[1];
  if (!name) return new CloudChoiceError(`${pkg} is installed but incomplete (it cannot find ${wanted}): reinstall it (npm install ${pkg}).`);
  return new CloudChoiceError(`${pkg} is installed, but ${name}, which it needs, is not (it cannot find ${wanted}): add ${name} to your program's dependencies (npm install ${name}).`);
}

/** The provider package of a resource type or invoke token (`gcp:sql/...`, `aws:index/getRegion:getRegion`) and its cloud. */
const PACKAGE_CLOUDS: Readonly<Record<string, Cloud>> = { aws: "aws", "azure-native": "azure", gcp: "gcp" };

/**
 * Mocks that answer each resource and invoke with the mocks of the cloud whose provider package it belongs to, so a
 * program with components on two clouds (explicit providers, the `cloud` option) gets plausible values for both;
 * anything else (random, time, Freehold's components) and a cloud whose backend is not installed get the planned
 * cloud's mocks, as before.
 */
export function mocksByPackage(planned: Backend): BackendMocks {
  const answering = (token: string): BackendMocks => {
    const cloud = PACKAGE_CLOUDS[token.slice(0, token.indexOf(":"))];
    if (!cloud || cloud === planned.cloud) return planned.mocks;
    try {
      return loadBackend(cloud).mocks;
    } catch {
      return planned.mocks;
    }
  };
  return {
    outputs: (type, name, inputs, id) => answering(type).outputs(type, name, inputs, id),
    call: (token, inputs) => answering(token).call(token, inputs),
  };
}
