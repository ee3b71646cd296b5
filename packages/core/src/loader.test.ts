import { describe, expect, it } from "vitest";
import { missingPackage } from "./loader";

/** Node's error for a module it cannot find, with the require stack it prints. */
function notFound(module: string, stack: string[]): NodeJS.ErrnoException {
  const e = new Error(`Cannot find module '${module}'\nRequire stack:\n- ${stack.join("\n- ")}`) as NodeJS.ErrnoException;
  e.code = "MODULE_NOT_FOUND";
  return e;
}

describe("loading a backend that cannot be loaded", () => {
  it("names the cloud's SDK when the backend is installed but the SDK it needs is not", () => {
    const e = notFound("@pulumi/gcp/compute", ["/app/node_modules/@freehold/gcp/dist/platform.js", "/app/node_modules/@freehold/gcp/dist/index.js"]);
    expect(missingPackage("gcp", e)?.message).toBe(
      "@freehold/gcp is installed, but @pulumi/gcp, which it needs, is not (it cannot find @pulumi/gcp/compute): add @pulumi/gcp to your program's dependencies (npm install @pulumi/gcp).",
    );
  });

  it("names the backend package when it is the one missing", () => {
    expect(missingPackage("azure", notFound("@freehold/azure", ["/app/node_modules/@freehold/core/dist/loader.js"]))?.message).toBe(
      "The azure backend is not installed: add @freehold/azure to your program's dependencies (npm install @freehold/azure).",
    );
  });

  it("leaves any other failure to load as it is", () => {
    expect(missingPackage("aws", new TypeError("x is not a function"))).toBeUndefined();
  });
});
