/**
 * @freehold/lifecycle: a simulated cloud that applies Freehold plans the way
 * the Pulumi engine would, against each cloud's documented rules, and the
 * scenarios that take a stack through its whole life on it.
 */

export * from "@freehold/rules";
export * from "./engine";
export * from "./known";
export * from "./plan";
export * from "./scenarios";
export * from "./stacks";
export * from "./suite";
