import { validSuite } from "./valid-suite";

validSuite("azure");
