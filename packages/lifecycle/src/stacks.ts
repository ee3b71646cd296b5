/** Stacks every backend must handle: the conformance suite and the lifecycle scenarios run each on every cloud. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The example stack file (examples/crown-marketplace/freehold.yaml), from the repository. */
export const EXAMPLE = readFileSync(join(__dirname, "..", "..", "..", "examples", "crown-marketplace", "freehold.yaml"), "utf8");

export const CONFORMANCE_STACKS: Record<string, string> = {
  "one object store": `
name: store-only
components:
  files: { kind: object-store }
`,
  "one database": `
name: db-only
components:
  db: { kind: database }
`,
  "private service linked to a database and a read-only store": `
name: worker
components:
  db: { kind: database, size: medium, storageGiB: 100 }
  archive: { kind: object-store, lifecycle: [{ expireAfterDays: 365 }] }
  jobs:
    kind: web-service
    image: ghcr.io/example/jobs:2
    writableRootFilesystem: true
    links: [db, { to: archive, access: read }]
`,
  "throwaway stack without deletion protection": `
name: scratch
components:
  db: { kind: database, deletionProtection: false }
  tmp: { kind: object-store, versioning: false, deletionProtection: false }
  web: { kind: web-service, image: nginx:1.27, public: true, writableRootFilesystem: true, links: [db, tmp] }
`,
  "the crown marketplace example": EXAMPLE,
};

/**
 * The stack `npm run e2e` deploys to a real account: a public service on a
 * public image that answers its health path, linked to a database and a store.
 */
export const E2E_STACK = `
name: freehold-e2e
components:
  db: { kind: database }
  files: { kind: object-store }
  web:
    kind: web-service
    image: nginxinc/nginx-unprivileged:1.27-alpine
    port: 8080
    public: true
    healthCheck: { path: / }
    links: [db, files]
`;
