import { validSuite } from "./valid-suite";

validSuite("gcp");
