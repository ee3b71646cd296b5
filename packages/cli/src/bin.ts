#!/usr/bin/env node
import { isatty } from "node:tty";
import { EXIT } from "./errors";
import { main } from "./main";

/**
 * Write to stdout or stderr for as long as anyone reads it. When the terminal
 * is gone (an SSH connection dropped: writes fail with EIO) or the reader
 * closed the pipe (EPIPE), the stream reports an error; unhandled, that would
 * crash the process in the middle of what it was doing (e.g. undoing a
 * partial restore). Output is dropped from then on instead: the run finishes
 * its work, cleans up and exits with its own code.
 */
export function sink(stream: NodeJS.WritableStream): (text: string) => void {
  let open = true;
  stream.on("error", () => {
    open = false;
  });
  return (text) => {
    if (!open) return;
    try {
      stream.write(text);
    } catch {
      open = false;
    }
  };
}

/**
 * A run stopped by SIGHUP (its terminal closed) ends as if killed by it, once
 * it has cleaned up: the shell sees 129 either way, but a Node process whose
 * standard input or output was a terminal that hung up aborts (SIGABRT) when
 * it exits normally, because Node cannot restore the terminal's settings.
 */
function finish(code: number): void {
  if (code === EXIT.hangup && terminalAtStart && process.listenerCount("SIGHUP") === 0) {
    process.kill(process.pid, "SIGHUP");
    setTimeout(() => process.exit(code), 1000).unref();
    return;
  }
  process.exitCode = code;
}

// Asked now: once the terminal has hung up, isatty() says no (its settings cannot be read), but Node still tries to restore them.
const terminalAtStart = [0, 1, 2].some((fd) => isatty(fd));
main(process.argv.slice(2), { out: sink(process.stdout), err: sink(process.stderr) }).then(finish);
