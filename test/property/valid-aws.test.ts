import { validSuite } from "./valid-suite";

validSuite("aws");
