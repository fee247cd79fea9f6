// Real-project workload (`node bench/bench.mjs --project DIR [--project DIR ...]`, or
// QUERYLENS_BENCH_PROJECTS=DIR:DIR): `querylens check` on a checkout of a real project, in a
// copy of it (the checkout is never written to, and nothing of it is committed here):
//   cold      a fresh process, no cache: files/s, wall time, peak RSS
//   warm      `check --cache` again on the unchanged tree (after one run that fills the cache)
//   one edit  `check --cache` after a comment line is appended to one file (the analysed file
//             with the most findings): that file and its dependents are checked again, the
//             schema read from the cache; its findings compared with a run without the cache
// and whether the warm runs report the same findings as the cold one (generated migrations'
// random revision ids and dates aside).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const COMMENT = { '.py': '#', '.rs': '//', '.sql': '--', '.ts': '//', '.js': '//' };

/**
 * Findings as JSON with the random parts of generated migrations masked: drizzle-kit snapshot ids
 * (UUIDs), timestamps (sqlx/golang-migrate's 14 digits, TypeORM's and drizzle's journal's
 * milliseconds, 13), Alembic's dated file names and revision ids.
 */
const comparable = (report) =>
  JSON.stringify(report.findings)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID')
    .replace(/\d{13,}/g, 'TIMESTAMP')
    .replace(/\d{4}-\d{2}-\d{2}-\d{4}_/g, 'DATE_') // Alembic's file_template with the date (polar: 2026-12-03-1640_add_index_…)
    .replace(/[0-9a-f]{12}/g, 'REV')
    .replace(/Create Date: [0-9 :.-]+/g, 'Create Date: D');

/**
 * Runs the workload on `dir` with `timed(command, args, { cwd })` (bench.mjs) and the CLI at
 * `cliBin`; returns the figures.
 */
export async function benchProject(dir, { timed, cliBin, round }) {
  const work = mkdtempSync(path.join(os.tmpdir(), 'querylens-bench-project-'));
  const copy = path.join(work, path.basename(dir));
  try {
    cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
    const cacheDir = path.join(work, 'cache');
    const check = async (...extra) => {
      // The timing line says how many files the run analysed (the others' findings came from the cache).
      const run = await timed(process.execPath, [cliBin, 'check', '--format', 'json', ...extra], { cwd: copy, env: { ...process.env, QUERYLENS_TIMING: '1' } });
      if (run.code !== 0 && run.code !== 1) throw new Error(`querylens check failed in ${copy} (exit ${run.code}):\n${run.stderr}`);
      const analysed = /\((\d+) not from the cache\)/.exec(run.stderr)?.[1];
      return { ...run, report: JSON.parse(run.stdout), ...(analysed !== undefined ? { analysed: Number(analysed) } : {}) };
    };
    const cached = () => check('--cache', '--cache-location', cacheDir);
    const cold = await check();
    const filling = await cached();
    const warm = await cached();
    const edited = mostFindings(cold.report, copy);
    if (edited) {
      const ext = path.extname(edited);
      writeFileSync(edited, `${readFileSync(edited, 'utf8')}\n${COMMENT[ext] ?? '#'} edited by the benchmark\n`);
    }
    const afterEdit = edited ? await cached() : undefined;
    // What a run without the cache reports on the edited tree: the cached run must report the same.
    const editedCold = edited ? await check() : undefined;
    const figures = (run) => ({ wallSeconds: round(run.seconds, 2), peakRssMB: round(run.peakRssMB), ...(run.analysed !== undefined ? { analysedFiles: run.analysed } : {}) });
    return {
      project: path.basename(dir),
      files: cold.report.files,
      findings: cold.report.findings.length,
      cold: { ...figures(cold), filesPerSecond: Math.round(cold.report.files / cold.seconds) },
      cacheFill: figures(filling),
      warm: { ...figures(warm), sameFindings: comparable(warm.report) === comparable(cold.report) && comparable(filling.report) === comparable(cold.report) },
      ...(afterEdit ? { oneEdit: { ...figures(afterEdit), file: path.relative(copy, edited), sameFindings: comparable(afterEdit.report) === comparable(editedCold.report) } } : {}),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The application file (no migration: editing one re-checks everything) with the most
 * findings, as an absolute path; undefined when none.
 */
function mostFindings(report, root) {
  const counts = new Map();
  for (const f of report.findings) {
    if (!COMMENT[path.extname(f.file)] || /(^|\/)(migrations?|versions|alembic)\//.test(f.file)) continue;
    const file = path.resolve(root, f.file);
    counts.set(file, (counts.get(file) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/**
 * Issue 16's targets for a cold check, by the checkout's folder name (run.py names them after
 * ../shared/realworld/projects.json): polar, the largest, under 5 s and 300 MiB; every other
 * project under 2 s.
 */
export function coldTarget(project) {
  return project === 'polar' ? { seconds: 5, peakRssMB: 300 } : { seconds: 2 };
}

/** Table rows for the results (bench.mjs prints them). */
export function projectRows(result, loadAverage) {
  const r = result;
  const target = coldTarget(r.project);
  const met = r.cold.wallSeconds < target.seconds && (target.peakRssMB === undefined || r.cold.peakRssMB < target.peakRssMB);
  const targetText = `< ${target.seconds} s${target.peakRssMB ? `, < ${target.peakRssMB} MB` : ''} ${met ? 'PASS' : 'FAIL'}`;
  return [
    [`${r.project}: files / findings`, `${r.files} / ${r.findings}`, `load ${loadAverage}`],
    [`${r.project}: cold check`, `${r.cold.wallSeconds} s, ${r.cold.filesPerSecond} files/s, ${r.cold.peakRssMB} MB`, targetText],
    [`${r.project}: check --cache, unchanged`, `${r.warm.wallSeconds} s, ${r.warm.peakRssMB} MB, ${r.warm.analysedFiles} files analysed`, `${r.warm.sameFindings ? 'same findings' : 'FINDINGS DIFFER'}; < 1 s ${r.warm.wallSeconds < 1 ? 'PASS' : 'FAIL'}`],
    ...(r.oneEdit
      ? [[`${r.project}: check --cache, one file edited`, `${r.oneEdit.wallSeconds} s, ${r.oneEdit.peakRssMB} MB, ${r.oneEdit.analysedFiles} files analysed`, `${r.oneEdit.file}: ${r.oneEdit.sameFindings ? 'same findings as without the cache' : 'FINDINGS DIFFER from a run without the cache'}`]]
      : []),
  ];
}
