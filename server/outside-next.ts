import { createRequire } from "node:module";

/**
 * Server modules start with `import "server-only"`. Inside Next.js that import is empty on the server and fails the
 * build in a client bundle; anywhere else the package throws, since only the `react-server` export condition
 * resolves it to its empty file. Processes that run server modules outside Next (the worker, scripts, the custom
 * app server) import this module first: it puts the marker's module in Node's cache as an empty one, so later
 * imports of it, `import` and `require` alike, load nothing. Setting `react-server` for a whole process instead
 * would swap React and Next.js themselves for their server-component builds. Vitest aliases the marker instead
 * (vitest.config.ts).
 */
const require = createRequire(import.meta.url);
const marker = require.resolve("server-only");
require.cache[marker] = { id: marker, filename: marker, loaded: true, exports: {} } as NodeJS.Module;
