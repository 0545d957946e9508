/**
 * Internal helpers of the SDK's stores (not exported from the package): per-key
 * serialization of async work, and durable whole-file JSON writes for Node.
 */

import { bytesToHex, randomBytes } from "@noble/hashes/utils.js";

/** Serializes async work per key (one chain of promises per file path or session). */
export class Locks {
  private readonly tails = new Map<string, Promise<unknown>>();
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(work, work);
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

/** One process-wide lock per file path: every store writing files goes through it. */
export const fileLocks = new Locks();

/** The text of `path`, or `undefined` when there is no such file. */
export async function readTextFile(path: string): Promise<string | undefined> {
  const fs = await import("node:fs/promises");
  try {
    return await fs.readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/**
 * Reads a store file: version-1 JSON whose `field` maps keys to records. Each record is
 * checked by `parse` and must sit under its own key (`keyOf`). `undefined` when there is
 * no file; `fail(message)` is the store's corrupt-store error.
 */
export async function readRecordFile<R>(
  path: string,
  o: {
    field: string;
    what: string;
    parse: (value: unknown) => R;
    keyOf: (record: R) => string;
    fail: (message: string) => Error;
  },
): Promise<{ file: Record<string, unknown>; records: Record<string, R> } | undefined> {
  const text = await readTextFile(path);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw o.fail(`${path} is not JSON`);
  }
  const file = value as Record<string, unknown> | null;
  const raw = file?.[o.field];
  if (typeof file !== "object" || file === null || file.version !== 1 || typeof raw !== "object" || raw === null) {
    throw o.fail(`${path} is not a ${o.what} (version 1)`);
  }
  const records: Record<string, R> = {};
  for (const [k, r] of Object.entries(raw)) {
    const record = o.parse(r);
    if (o.keyOf(record) !== k) throw o.fail(`${path}: the record under ${k} belongs elsewhere`);
    records[k] = record;
  }
  return { file, records };
}

/**
 * Writes `text` to `path` owner-only (mode 0600), durably and atomically: a temporary file
 * in the same directory (created 0600, synced) is renamed over `path`, so a crash leaves the
 * old file or the new one, never half of one; then the directory is synced where the
 * platform allows it.
 */
export async function writeTextFileAtomic(path: string, text: string): Promise<void> {
  const fs = await import("node:fs/promises");
  const { dirname, basename, join } = await import("node:path");
  const dir = dirname(path);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${bytesToHex(randomBytes(8))}.tmp`);
  const handle = await fs.open(tmp, "wx", 0o600);
  try {
    try {
      await handle.chmod(0o600); // whatever the umask
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  // Make the rename itself durable where the platform allows syncing a directory.
  try {
    const d = await fs.open(dir, "r");
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // not supported here (e.g. Windows): the rename is still atomic
  }
}
