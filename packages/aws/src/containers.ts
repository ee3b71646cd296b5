/**
 * What every Freehold task on Fargate gets around its own container, whatever
 * runs it (a web service, the database role job, and any later kind):
 *
 * - a writable /tmp for any user on a read-only root filesystem: a tmpfs mount
 *   (Fargate supports tmpfs since January 2026:
 *   https://aws.amazon.com/about-aws/whats-new/2026/01/amazon-ecs-tmpfs-mounts-aws-fargate-managed-instances/).
 *   A task volume (bind mount) would not do: Fargate creates it owned by root
 *   with mode 0755, so a container running as another user cannot write it
 *   (https://github.com/aws/containers-roadmap/issues/938). A tmpfs mount is
 *   world-writable with the sticky bit (mode 1777) like a real /tmp, and takes
 *   its memory from the task;
 * - the databases' certificate authorities as a file at DATABASE_CA_PATH,
 *   readable by any user: a short preparation container (root, read-only root
 *   filesystem, every capability dropped, the pinned Alpine image) writes the
 *   PEM, given in its environment, into a task volume mounted read-only where
 *   the application looks for it, and exits; the application container starts
 *   only once it has succeeded. The PEM is public data (the RDS root CAs).
 */
import { DATABASE_CA_PATH } from "@freehold/core";
import { ALPINE_IMAGE } from "./images";

/** The task volume that carries the CA file. */
export const TLS_VOLUME = "freehold-tls";
/** The directory the CA file is in (a mount point of its own). */
export const TLS_DIR = DATABASE_CA_PATH.slice(0, DATABASE_CA_PATH.lastIndexOf("/"));
/** The preparation container's name. */
export const PREPARE_CONTAINER = "freehold-prepare";

/**
 * The preparation step: write the PEM from the environment to the file, readable
 * by everyone (0644 in a 0755 directory), and fail if it is empty or the write fails.
 */
export const PREPARE_SCRIPT = ['set -eu', 'umask 022', 'test -n "$FREEHOLD_DATABASE_CA"', 'printf \'%s\' "$FREEHOLD_DATABASE_CA" > "$FREEHOLD_CA_FILE"', 'echo "freehold: database certificate authorities written to $FREEHOLD_CA_FILE"'].join("\n");

/** The awslogs log configuration of a container. */
export function awslogs(group: string, region: string, prefix: string) {
  return { logDriver: "awslogs", options: { "awslogs-group": group, "awslogs-region": region, "awslogs-stream-prefix": prefix } };
}

/** Size of the /tmp tmpfs: a quarter of the task's memory, between 64 MiB and 2 GiB (it uses the task's memory only as files are written). */
export function scratchMiB(taskMemoryMiB: number): number {
  return Math.min(2048, Math.max(64, Math.floor(taskMemoryMiB / 4)));
}

/** `linuxParameters` giving a read-only container a writable /tmp that any user can write (mode 1777, no set-uid, no devices). */
export function scratchSpace(taskMemoryMiB: number) {
  return { tmpfs: [{ containerPath: "/tmp", size: scratchMiB(taskMemoryMiB), mountOptions: ["mode=1777", "nosuid", "nodev"] }] };
}

/** The preparation container that writes the CA bundle, or nothing when there is no CA to write. */
export function prepareContainer(caBundle: string, log: { group: string; region: string }) {
  return {
    name: PREPARE_CONTAINER,
    image: ALPINE_IMAGE.ref,
    essential: false,
    privileged: false,
    readonlyRootFilesystem: true,
    // Root, to write into the volume Fargate creates owned by root; with no capability at all, it can do nothing else.
    user: "0:0",
    linuxParameters: { capabilities: { drop: ["ALL"] } },
    command: ["sh", "-c", PREPARE_SCRIPT],
    environment: [
      { name: "FREEHOLD_CA_FILE", value: DATABASE_CA_PATH },
      { name: "FREEHOLD_DATABASE_CA", value: caBundle },
    ],
    mountPoints: [{ sourceVolume: TLS_VOLUME, containerPath: TLS_DIR, readOnly: false }],
    logConfiguration: awslogs(log.group, log.region, PREPARE_CONTAINER),
  };
}

/** The CA bundle for a set of databases' authorities: each certificate once, in order. */
export function caBundle(pems: readonly string[]): string {
  const certs = pems.flatMap((p) => p.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []);
  return `${[...new Set(certs)].join("\n")}\n`;
}

/** What an application container adds to read the CA file: the volume, read-only, and waiting for the preparation. */
export const readsCaFile = {
  mountPoints: [{ sourceVolume: TLS_VOLUME, containerPath: TLS_DIR, readOnly: true }],
  dependsOn: [{ containerName: PREPARE_CONTAINER, condition: "SUCCESS" }],
};
