// Runs the CLI's bundle with V8's code cache (Node 20 has no module.enableCompileCache).
//
// Compiling the 2 MB bundle's functions is part of every run's start-up: a cache of the
// bytecode the previous runs compiled (`vm.Script` cachedData) spares it. The cache lives in
// the user's cache folder (QUERYLENS_CODE_CACHE names another; `off` disables it), one file
// per bundle content, Node version and V8 flags; it is written once, when a run finds none
// (or V8 rejects it), after that run so that the functions it compiled are in it, through a
// temporary file renamed into place (concurrent runs each write a whole file). Any failure
// to read or write it leaves the run as it would be without it. The bundle holds no `import()`
// (esbuild.mjs turns it into `require`): Node 20 loses a vm.Script's dynamic-import callback for
// code read from the cache.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

/** The folder of the cache files; undefined when caching is off. */
function cacheFolder() {
  const configured = process.env.QUERYLENS_CODE_CACHE;
  if (configured === 'off' || configured === '0') return undefined;
  if (configured) return path.resolve(configured);
  const base = process.env.XDG_CACHE_HOME || (process.platform === 'win32' ? process.env.LOCALAPPDATA : undefined) || path.join(os.homedir(), '.cache');
  return path.join(base, 'querylens', 'code-cache');
}

/**
 * Loads and runs `file` (a CommonJS bundle) as `require(file)` would, with the code cache.
 * `siblings`: bundles next to it that it requires as `./name.js` (node-sql-parser's grammars,
 * loaded only when a statement is read as SQLite or MySQL), run the same way when it does.
 */
function run(file, flags, siblings = []) {
  const folder = cacheFolder();
  let source;
  try {
    if (folder) source = fs.readFileSync(file, 'utf8');
  } catch {
    source = undefined;
  }
  if (source === undefined) return require(file);
  const name = path.basename(file, '.js');
  const key = crypto.createHash('sha1').update(source).update(`\0${process.version}\0${process.arch}\0${flags}`).digest('hex').slice(0, 24);
  const cacheFile = path.join(folder, `${name}-${key}.bin`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    cachedData,
  });
  if (cachedData === undefined || script.cachedDataRejected) process.once('exit', () => save(script, folder, cacheFile, name));
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  Module._cache[file] = mod;
  const plain = Module.createRequire(file);
  const dir = path.dirname(file);
  const load = (id) => {
    const sibling = path.join(dir, id);
    return Module._cache[sibling]?.exports ?? run(sibling, flags);
  };
  const req = siblings.length === 0 ? plain : Object.assign((id) => (siblings.includes(id) ? load(id) : plain(id)), plain);
  script.runInThisContext().call(mod.exports, mod.exports, req, mod, file, dir);
  mod.loaded = true;
  return mod.exports;
}

/** Caches of a bundle nobody ran for this long are removed when a new one is written. */
const STALE_MS = 30 * 24 * 3600 * 1000;

/** Writes the cache of `script` (the functions compiled so far) and removes stale ones (other builds may be in use: not every other one). */
function save(script, folder, cacheFile, name) {
  try {
    fs.mkdirSync(folder, { recursive: true });
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, script.createCachedData());
    fs.renameSync(temporary, cacheFile);
    for (const entry of fs.readdirSync(folder)) {
      const other = path.join(folder, entry);
      if (entry.startsWith(`${name}-`) && other !== cacheFile && Date.now() - fs.statSync(other).atimeMs > STALE_MS) fs.rmSync(other, { force: true });
    }
  } catch {
    // No cache this time: the next run compiles as this one did.
  }
}

module.exports = { run, cacheFolder };
