/**
 * Folders and files the migration engine trusts.
 *
 * A folder the engine keeps a dump, a journal or a password file in is
 * private: created by this run with mode 0700 (a random name under the
 * temporary directory, or a fixed name inside a folder the user named), or
 * found there and checked: a real directory (not a symbolic link), owned by
 * this user, mode 0700. A file in it is read only when it is a regular file
 * owned by this user that no one else can read or write, opened without
 * following a symbolic link. A folder the user names is checked before
 * anything is written: a directory (or missing), not a link, on a real
 * filesystem (not /proc, /sys or another pseudo filesystem), owned by this
 * user and not writable by others.
 */
import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readFileSync, statfsSync, statSync } from "node:fs";
import { lstat, mkdir, mkdtemp, rename, rm, rmdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** Magic numbers (statfs f_type) of Linux pseudo filesystems, from linux/magic.h. */
const PSEUDO_FILESYSTEMS = new Map<number, string>([
  [0x9fa0, "proc"],
  [0x62656572, "sysfs"],
  [0x1cd1, "devpts"],
  [0x27e0eb, "cgroup"],
  [0x63677270, "cgroup2"],
  [0x64626720, "debugfs"],
  [0x73636673, "securityfs"],
  [0x74726163, "tracefs"],
  [0xcafe4a11, "bpf"],
  [0x6165676c, "pstore"],
  [0x62656570, "configfs"],
  [0xde5e81e4, "efivarfs"],
  [0x65735543, "fusectl"],
  [0x42494e4d, "binfmt_misc"],
  [0x19800202, "mqueue"],
  [0x6e736673, "nsfs"],
  [0xf97cff8c, "selinuxfs"],
  [0x0187, "autofs"],
]);

/** Paths that are device or kernel interfaces whatever their filesystem (/dev is a tmpfs on many hosts). */
const PSEUDO_PREFIXES = ["/proc", "/sys", "/dev"];
const ALLOWED_UNDER_PSEUDO = ["/dev/shm"];

const myUid = (): number | undefined => (typeof process.getuid === "function" ? process.getuid() : undefined);

function under(p: string, root: string): boolean {
  return p === root || p.startsWith(`${root}/`);
}

/** The closest existing ancestor of `p` (or `p` itself). */
function existingAncestor(p: string): string {
  let cur = p;
  while (!existsSync(cur)) {
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  return cur;
}

/** Why `abs` is on a pseudo filesystem, or undefined. */
export function pseudoFilesystem(abs: string): string | undefined {
  if (PSEUDO_PREFIXES.some((r) => under(abs, r)) && !ALLOWED_UNDER_PSEUDO.some((r) => under(abs, r))) return `${abs.split("/").slice(0, 2).join("/")} is a kernel or device interface, not storage`;
  try {
    const type = statfsSync(existingAncestor(abs)).type;
    const name = PSEUDO_FILESYSTEMS.get(type);
    if (name) return `it is on the ${name} pseudo filesystem, not storage`;
  } catch {
    /* statfs unavailable: the prefix check stands */
  }
  return undefined;
}

/**
 * The first folder on the way to `abs` (itself included when it exists) that
 * others (its group, or everyone) may write in without the sticky bit: they
 * could rename what is below it and put a link in its place after it was
 * checked.
 */
export function openAncestor(abs: string): string | undefined {
  let cur = existingAncestor(abs);
  for (;;) {
    try {
      const st = statSync(cur);
      if (st.isDirectory() && (st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) return cur;
    } catch {
      /* vanished: the later checks fail on it */
    }
    const up = path.dirname(cur);
    if (up === cur) return undefined;
    cur = up;
  }
}

/** Who besides its owner may write in a folder openAncestor found. */
function writableBy(dir: string): string {
  try {
    return (statSync(dir).mode & 0o002) !== 0 ? "writable by all" : "writable by its group";
  } catch {
    return "writable by others";
  }
}

const openProblem = (what: string, open: string) =>
  `${what}: ${open} lets other users rename what is in it (${writableBy(open)}, no sticky bit); give a folder whose every parent only its owners can change`;

/**
 * Problems with a folder the user named for the engine's files (`--work-dir`,
 * `--out`), each a sentence naming the flag; empty when it may be used. A
 * missing folder is fine (it is created).
 */
export function userFolderProblems(given: string, flag: string, opts: { private?: boolean } = {}): string[] {
  const abs = path.resolve(given);
  const what = `--${flag} ${given}`;
  const pseudo = pseudoFilesystem(abs);
  if (pseudo) return [`${what}: ${pseudo}; give a folder on a disk`];
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      const parent = existingAncestor(abs);
      try {
        if (!statSync(parent).isDirectory()) return [`${what}: ${parent} is a file, not a folder`];
      } catch {
        /* the parent vanished: mkdir reports it */
      }
      const open = openAncestor(parent);
      return open ? [openProblem(what, open)] : [];
    }
    return [`${what}: cannot be read (${code ?? String(e)})`];
  }
  if (st.isSymbolicLink()) return [`${what}: is a symbolic link; give the folder it points to (a link can be changed under a running migration)`];
  const open = openAncestor(path.dirname(abs));
  if (open) return [openProblem(what, open)];
  if (!st.isDirectory()) return [`${what}: is a file, not a folder`];
  const uid = myUid();
  const problems: string[] = [];
  if (uid !== undefined && st.uid !== uid) problems.push(`${what}: belongs to another user (uid ${st.uid}); give a folder you own`);
  if (opts.private !== false && (st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0)
    problems.push(`${what}: others can write in it (mode ${(st.mode & 0o7777).toString(8)}), so they could replace what this run writes; use a folder only you can write to (chmod go-w)`);
  return problems;
}

/** A fresh private folder (mode 0700, random name) under `parent` (default: the system's temporary directory, which must be safe to use). */
export async function freshPrivateFolder(prefix: string, parent = os.tmpdir()): Promise<string> {
  const why = pseudoFilesystem(path.resolve(parent)) ?? (openAncestor(path.resolve(parent)) ? `${openAncestor(path.resolve(parent))} is ${writableBy(openAncestor(path.resolve(parent)) as string)} without the sticky bit` : undefined);
  if (why) throw new UntrustedFileError(parent, `cannot hold a private folder: ${why}; set TMPDIR to a safe folder`);
  return mkdtemp(path.join(parent, prefix));
}

/** Why an existing folder may not be trusted as one of ours, or undefined. */
export async function notPrivateFolder(dir: string): Promise<string | undefined> {
  const st = await lstat(dir);
  if (st.isSymbolicLink()) return "is a symbolic link";
  if (!st.isDirectory()) return "is not a folder";
  const uid = myUid();
  if (uid !== undefined && st.uid !== uid) return `belongs to another user (uid ${st.uid})`;
  if ((st.mode & 0o077) !== 0) return `is open to other users (mode ${(st.mode & 0o777).toString(8)})`;
  return undefined;
}

/**
 * Create `dir` (mode 0700) when it does not exist; otherwise check that it is
 * private and ours. Returns whether this call created it.
 */
export async function ownFolder(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { mode: 0o700 });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  const why = await notPrivateFolder(dir);
  if (why) throw new UntrustedFileError(dir, why);
  return false;
}

/** A file or folder the engine will not trust. */
export class UntrustedFileError extends Error {
  override readonly name = "UntrustedFileError";
  constructor(
    readonly file: string,
    readonly why: string,
  ) {
    super(`${file} ${why}; Freehold trusts only files it wrote itself, in a folder only you can use. Remove it, or give another --work-dir.`);
  }
}

/**
 * Read a file only when it is a regular file (opened without following a
 * link), owned by this user and closed to others; undefined when it does not
 * exist. The checks are made on the open file, so it cannot be swapped
 * between the check and the read.
 */
export function readPrivateFileSync(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") throw new UntrustedFileError(file, "is a symbolic link");
    throw e;
  }
  try {
    const st = fstatSync(fd);
    const uid = myUid();
    if (!st.isFile()) throw new UntrustedFileError(file, "is not a regular file");
    if (uid !== undefined && st.uid !== uid) throw new UntrustedFileError(file, `belongs to another user (uid ${st.uid})`);
    if ((st.mode & 0o077) !== 0) throw new UntrustedFileError(file, `is open to other users (mode ${(st.mode & 0o777).toString(8)})`);
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

/** readPrivateFileSync, for async callers. */
export async function readPrivateFile(file: string): Promise<string | undefined> {
  return readPrivateFileSync(file);
}

/** Write a file readable by this user only (0600), atomically (a new file renamed into place). */
export async function writePrivateFile(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await rm(tmp, { force: true });
  try {
    await writeFile(tmp, text, { mode: 0o600, flag: "wx" });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** Remove a folder only when it is empty (never what someone else put in it). */
export async function removeIfEmpty(dir: string): Promise<void> {
  await rmdir(dir).catch(() => undefined);
}
