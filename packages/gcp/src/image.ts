/**
 * Where Cloud Run pulls a web service's image from. Cloud Run pulls directly
 * from Artifact Registry (and gcr.io, now served by it) and public images on
 * Docker Hub and GitHub Container Registry; any other registry, and any
 * private image outside Artifact Registry, goes through an Artifact Registry
 * remote repository (https://cloud.google.com/run/docs/deploying#images). For
 * a private registry (`registry`), the repository reads the password from
 * Secret Manager as the Artifact Registry service agent, which needs Secret
 * Accessor on that secret
 * (https://cloud.google.com/artifact-registry/docs/repositories/configure-remote-authentication).
 */
import { type ContainerRequest, CREATE_FIRST, type RegistryCredentials, SAME_ID_DELETE_FIRST } from "@freehold/core";
import type { ContainerComponent } from "@freehold/model";
import { SpecError } from "@freehold/model";
import * as artifactregistry from "@pulumi/gcp/artifactregistry";
import * as projects from "@pulumi/gcp/projects";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as pulumi from "@pulumi/pulumi";
import { grantsSettled, secretReader } from "./grants";
import { names } from "./naming";
import type { GcpPlatform } from "./network";
import { withVendor } from "./vendor";

export const DOCKER_HUB = "docker.io";

/** An image reference split into its registry host and the path (with tag or digest) under it. */
export interface ImageRef {
  host: string;
  /** Whether the reference named its host (`nginx:1.27` does not: Docker Hub by default). */
  explicitHost: boolean;
  path: string;
}

export function parseImage(image: string): ImageRef {
  const slash = image.indexOf("/");
  const first = slash < 0 ? "" : image.slice(0, slash);
  if (first && (first.includes(".") || first.includes(":") || first === "localhost")) {
    const host = ["index.docker.io", "registry-1.docker.io"].includes(first) ? DOCKER_HUB : first;
    return { host, explicitHost: true, path: image.slice(slash + 1) };
  }
  // Docker Hub's official images live under library/.
  return { host: DOCKER_HUB, explicitHost: false, path: slash < 0 ? `library/${image}` : image };
}

/** Registries Cloud Run pulls from directly: Artifact Registry (and gcr.io) always; Docker Hub and GitHub Container Registry for public images. */
export function pullsDirectly(ref: ImageRef, credentials: boolean): boolean {
  if (/(^|[.-])docker\.pkg\.dev$|(^|\.)gcr\.io$/.test(ref.host.replace(/:\d+$/, ""))) return true;
  return !credentials && (ref.host === DOCKER_HUB || ref.host === "ghcr.io");
}

/** The remote repository's upstream: Docker Hub by its preset, any other registry by URI. */
export function upstream(host: string): artifactregistry.RepositoryArgs["remoteRepositoryConfig"] {
  return host === DOCKER_HUB
    ? { description: "Docker Hub", dockerRepository: { publicRepository: "DOCKER_HUB" } }
    : { description: `https://${host}`, commonRepository: { uri: `https://${host}` } };
}

export interface ImageSource {
  /** The image Cloud Run deploys. */
  image: pulumi.Input<string>;
  /** What the service waits for before it starts (the repository). */
  dependsOn: pulumi.Resource[];
  resources: Record<string, pulumi.Resource>;
}

/** The image as Cloud Run can pull it: directly, or through a remote repository (with the registry's credentials in Secret Manager). */
export function imageSource(req: ContainerRequest<ContainerComponent>, platform: GcpPlatform, vendor: Record<string, Record<string, unknown>>): ImageSource {
  const image = req.image;
  // A late-bound image is used as given: its registry is not known while planning.
  if (typeof image !== "string") return { image, dependsOn: [], resources: {} };
  const ref = parseImage(image);
  const creds = req.registry;
  if (creds && ref.explicitHost && ref.host !== creds.server) {
    throw new SpecError(
      [{ path: "registry.server", message: `is ${creds.server}, but the image ${image} is on ${ref.host}; name the image's registry, or give the image without a host to pull it from ${creds.server}` }],
      `component "${req.name}"`,
    );
  }
  const host = creds?.server ?? ref.host;
  const path = creds && !ref.explicitHost && host !== DOCKER_HUB ? image : ref.path;
  if (pullsDirectly({ ...ref, host }, creds !== undefined)) return { image, dependsOn: [], resources: {} };
  return remoteRepository(req, platform, vendor, host, path, creds);
}

function remoteRepository(req: ContainerRequest<ContainerComponent>, platform: GcpPlatform, vendor: Record<string, Record<string, unknown>>, host: string, path: string, creds: RegistryCredentials | undefined): ImageSource {
  const opts = { parent: req.parent };
  const resources: Record<string, pulumi.Resource> = {};
  const waits: pulumi.Resource[] = [];
  let upstreamCredentials: artifactregistry.RepositoryArgs["remoteRepositoryConfig"] = {};
  if (creds) {
    const secret = new secretmanager.Secret(
      `${req.name}-registry-secret`,
      {
        secretId: names.secret(req.stack.prefix, req.qualifiedName, "registry-password"),
        replication: { userManaged: { replicas: [{ location: platform.region }] } },
        labels: platform.labels,
      },
      { ...opts, ...SAME_ID_DELETE_FIRST, dependsOn: [platform.api("secretmanager")] },
    );
    const version = new secretmanager.SecretVersion(`${req.name}-registry-secret-version`, { secret: secret.id, secretData: creds.password }, opts);
    // The Artifact Registry service agent, created on request so it can be granted access before the repository exists.
    const agent = new projects.ServiceIdentity(`${req.name}-registry-agent`, { service: "artifactregistry.googleapis.com" }, { ...opts, dependsOn: [platform.api("artifactregistry")] });
    const access = secretReader(`${req.name}-registry-agent-secret-access`, secret, agent.member, opts);
    const settled = grantsSettled(`${req.name}-registry-agent`, [access], opts);
    waits.push(settled);
    Object.assign(resources, { registrySecret: secret, registrySecretVersion: version, registryAgent: agent, registryAgentSecretAccess: access, registryAgentAccessSettled: settled });
    upstreamCredentials = { upstreamCredentials: { usernamePasswordCredentials: { username: creds.username, passwordSecretVersion: version.name } } };
  }
  const repository = new artifactregistry.Repository(
    `${req.name}-repository`,
    withVendor<artifactregistry.RepositoryArgs>(
      {
        repositoryId: names.remoteRepository(req.stack.prefix, req.qualifiedName, host),
        location: platform.region,
        format: "DOCKER",
        mode: "REMOTE_REPOSITORY",
        description: `Freehold ${req.stack.prefix}/${req.qualifiedName}: images from ${host}`,
        labels: platform.labels,
        remoteRepositoryConfig: { ...upstream(host), ...upstreamCredentials },
      },
      vendor,
      "repository",
    ),
    // Creating the repository checks the upstream with the credentials, as the service agent: it waits for that grant like any reader.
    // A new upstream host is a new id (names.remoteRepository), so created first: the service moves to it (a new revision, a new
    // image string) and the old repository is deleted at the end of the up, once nothing pulls through it.
    { ...opts, ...CREATE_FIRST, dependsOn: [platform.api("artifactregistry"), ...waits] },
  );
  resources.repository = repository;
  return { image: pulumi.interpolate`${repository.registryUri}/${path}`, dependsOn: [repository], resources };
}
