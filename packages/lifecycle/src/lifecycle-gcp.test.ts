import { describeLifecycle } from "./lifecycle.test-helper";

describeLifecycle("gcp");
