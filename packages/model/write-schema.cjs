// Writes freehold.schema.json from the zod schemas (run after `npm run build`).
const { writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { stackJsonSchema } = require("./dist");
writeFileSync(join(__dirname, "freehold.schema.json"), `${JSON.stringify(stackJsonSchema(), null, 2)}\n`);
