#!/usr/bin/env node
// The freehold command. A file that exists before the build, so npm links the bin at install (dist/ comes from `npm ci`'s prepare step).
require("../dist/bin.js");
