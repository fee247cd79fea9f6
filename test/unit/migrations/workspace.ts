import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Writes `files` (relative path → content) into a fresh temp folder; returns its path and the absolute paths. */
export function makeWorkspace(files: Record<string, string>): { root: string; paths: string[] } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'querylens-mig-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return { root, paths: Object.keys(files).map((rel) => path.join(root, rel)) };
}

/** For a mocha `describe`: a `makeWorkspace` whose folders are removed after the suite. */
export function useWorkspaces(): typeof makeWorkspace {
  const roots: string[] = [];
  after(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));
  return (files) => {
    const w = makeWorkspace(files);
    roots.push(w.root);
    return w;
  };
}
