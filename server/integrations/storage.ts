import "server-only";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { env } from "@/server/env";

/**
 * Where uploaded files live. Keys are opaque (a random id under a prefix); clients never see a path, only the
 * routes that check access before streaming a file. Local disk now; an object store fits the same interface.
 */
export interface FileStorage {
  put(prefix: string, data: Uint8Array): Promise<{ key: string; sizeBytes: number }>;
  /** The whole file, or the inclusive byte `range` of it; `sizeBytes` is always the whole file's size. */
  open(key: string, range?: { start: number; end: number }): Promise<{ stream: Readable; sizeBytes: number } | null>;
  remove(key: string): Promise<void>;
}

const KEY_PATTERN = /^[a-z0-9-]+\/[0-9a-f-]{36}$/;

export function localDiskStorage(root: string): FileStorage {
  const fileOf = (key: string) => {
    if (!KEY_PATTERN.test(key)) throw new Error(`not a storage key: ${key}`);
    return path.join(root, key);
  };
  return {
    async put(prefix, data) {
      if (!/^[a-z0-9-]+$/.test(prefix)) throw new Error(`not a storage prefix: ${prefix}`);
      const key = `${prefix}/${randomUUID()}`;
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      // Written under a temporary name and renamed, so a crash never leaves a half file under a real key.
      const partial = `${file}.partial`;
      await writeFile(partial, data);
      await rename(partial, file);
      return { key, sizeBytes: data.byteLength };
    },
    async open(key, range) {
      const file = fileOf(key);
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) return null;
      return { stream: createReadStream(file, range), sizeBytes: info.size };
    },
    async remove(key) {
      await rm(fileOf(key), { force: true });
    },
  };
}

let instance: FileStorage | undefined;

/** The app's storage, under STORAGE_DIR (relative paths are from the working directory). */
export function fileStorage(): FileStorage {
  instance ??= localDiskStorage(path.resolve(env.STORAGE_DIR));
  return instance;
}
