/**
 * `querylens report [path]`: the review report (findings by rule, migration
 * status, benchmark comparison, index health) as Markdown to paste into a
 * pull request, or as JSON. The findings come from `check`'s engine, the
 * benchmarks from `.querylens/benchmarks/`, and the database sections from
 * the connection given (`--connection` or `--embedded`); without one they
 * say so.
 */
import { DatabaseService } from '../db/service';
import { loadConfig } from '../core/config/load';
import { Workspace } from '../core/engine/workspace';
import { collectReview } from '../report/collect';
import { reviewJson, reviewMarkdown } from '../report/review';
import type { DbOptions } from './args';
import { runCheck } from './check';
import { resolveConnection } from './database';
import { sqliteSyntaxOracle } from '../db/syntax-oracle';

export interface ReportCommand {
  path?: string;
  db: DbOptions;
  /** `--connection` or `--embedded` was given: the database sections are read. */
  database: boolean;
  format: 'markdown' | 'json';
  cwd: string;
  env: NodeJS.ProcessEnv;
  warn(message: string): void;
}

export async function runReportCommand(command: ReportCommand): Promise<string> {
  const check = await runCheck({ paths: command.path ? [command.path] : [], fix: false, cwd: command.cwd, warn: command.warn });
  const root = check.root;
  const service = new DatabaseService({ log: command.warn, env: command.env });
  try {
    // The same root `check` analysed: its catalog builds the embedded shadow database.
    const workspace = await Workspace.create({ root, config: (await loadConfig(root)).config, syntaxOracle: sqliteSyntaxOracle(), onError: (m) => command.warn(`internal error (analysis goes on): ${m}`) });
    const input = await collectReview({
      root,
      workspace,
      files: check.files,
      findings: check.findings,
      rules: check.rules,
      driver: command.database
        ? () => service.driverFor({ connection: resolveConnection(command.db), workspace, root }, workspace.dialectOf(root))
        : { unavailable: 'no database given (pass --connection postgres://... or --embedded)' },
      ...(command.db.timeoutMs ? { timeoutMs: command.db.timeoutMs } : {}),
      warn: command.warn,
    });
    return command.format === 'json' ? `${JSON.stringify(reviewJson(input), null, 2)}\n` : reviewMarkdown(input);
  } finally {
    await service.close();
  }
}
