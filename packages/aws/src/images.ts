/**
 * The container images Freehold itself runs on AWS, pinned by digest: a tag can
 * be moved to other content, a digest cannot. Both are Docker Official Images,
 * pulled from their mirror on Amazon ECR Public (`public.ecr.aws/docker/library/...`),
 * which serves the same manifests as Docker Hub without Docker Hub's anonymous
 * pull limits (https://www.docker.com/blog/news-from-aws-reinvent-docker-official-images-on-amazon-ecr-public/,
 * https://docs.aws.amazon.com/AmazonECR/latest/public/public-registries.html).
 * Each digest is the multi-platform image index, so the same reference serves
 * X86_64 and ARM64 tasks.
 *
 * Where each digest comes from: the Docker Official Images' own record of every
 * tag's manifest (https://github.com/docker-library/repo-info), at the commit
 * named below. To update one: take the `repos/<image>/remote/<tag>.md` file of a
 * newer repo-info commit, copy the index digest of its first `docker pull` line,
 * check it with `docker buildx imagetools inspect public.ecr.aws/docker/library/<image>:<tag>`
 * (the same digest must come back from ECR Public), and change the line here and
 * the source comment; a test checks the form of every reference.
 */

/** An image reference pinned by its index digest. */
export interface PinnedImage {
  /** `registry/repository:tag@sha256:...`: the tag for people, the digest for the pull. */
  readonly ref: string;
  /** What the tag held when the digest was recorded. */
  readonly content: string;
  /** Where the digest was read. */
  readonly source: string;
}

const REPO_INFO = "https://github.com/docker-library/repo-info/blob";

/**
 * PostgreSQL 17.11 on Alpine 3.24.1 (psql 17 talks to servers 13 to 17; the role
 * script needs psql 15 or later). 117 MB compressed for linux/amd64.
 */
export const POSTGRES_IMAGE: PinnedImage = {
  ref: "public.ecr.aws/docker/library/postgres:17-alpine@sha256:d4bb0a8c1b7bb2e29f976d099e7bfb9a5d8858cffe9e46b35cd302cd1f1f8168",
  content: "PostgreSQL 17.11 on Alpine Linux 3.24.1",
  source: `${REPO_INFO}/8c2b57bce198167760580fb6418be3f60641dfa9/repos/postgres/remote/17-alpine.md`,
};

/** Alpine Linux 3.24.2 (busybox `sh`, `printf`, `install`): 3.8 MB compressed for linux/amd64, for the task's preparation step. */
export const ALPINE_IMAGE: PinnedImage = {
  ref: "public.ecr.aws/docker/library/alpine:3.24.2@sha256:3cf95fe0816180395592b8373f3ec60663f076127617bbacb4eacf9667afe2e9",
  content: "Alpine Linux 3.24.2",
  source: `${REPO_INFO}/dc96b8af835b5cd6147ce77c05cff30659437ab0/repos/alpine/remote/3.24.2.md`,
};

/** The registry both come from. */
export const PINNED_REGISTRY = "public.ecr.aws";
