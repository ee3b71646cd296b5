export * from "./compare/model";
export { main } from "./main";
export * from "./plan/contract";
export { planClouds, planInChild } from "./plan/run";
export { resolveTarget, type Target } from "./plan/target";
