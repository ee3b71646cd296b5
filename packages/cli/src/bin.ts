#!/usr/bin/env node
import { main } from "./main";

main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }).then((code) => {
  process.exitCode = code;
});
