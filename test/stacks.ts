/** Stacks every backend must handle: defined once, in the lifecycle package, for the conformance suite and the lifecycle scenarios. */
export { CONFORMANCE_STACKS, EXAMPLE } from "../packages/lifecycle/src/stacks";
