/**
 * @freehold/lifecycle: a simulated cloud that applies Freehold plans the way
 * the Pulumi engine would, against each cloud's documented rules, and the
 * scenarios that take a stack through its whole life on it.
 */
export * from "./engine";
export * from "./plan";
export * from "./scenarios";
export * from "@freehold/rules";
export * from "./suite";
export * from "./known";
export * from "./stacks";
