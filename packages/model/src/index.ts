export * from "./errors";
export * from "./features";
export * from "./links";
export * from "./jsonschema";
export * from "./parse";
export * from "./regions";
export * from "./schema";
export * from "./sizes";
