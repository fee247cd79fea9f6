/**
 * The commands the server's CodeLenses and code actions run on a query:
 * Explain, Explain Analyze, Benchmark, Prove index. Each resolves the active
 * connection, asks before running on a production one, asks for the query's
 * parameters, and sends the request under a cancellable progress (cancelling
 * cancels the statement on the database). From the command palette they work
 * on the query at the cursor.
 */
import * as vscode from 'vscode';
import type { ConnectionSetting } from '../../../shared/connections';
import type { BenchmarkRun } from '../../../shared/dashboard';
import type { ExplainResult, ParamValue, SuggestedIndex } from '../../../shared/explain';
import {
  BENCHMARK_COMMAND,
  BenchmarkRequest,
  BenchmarkRunRequest,
  EXPLAIN_ANALYZE_COMMAND,
  EXPLAIN_COMMAND,
  ExplainRequest,
  PROVE_INDEX_COMMAND,
  ProveIndexRequest,
  QueryAtRequest,
  type QueryInfo,
  type QueryLocation,
} from '../../../shared/protocol';
import { formatMs } from '../plan/format';
import type { PlanPanel } from '../plan/panel';
import { asQueryLocation, asSuggestedIndex } from './arguments';
import type { ConnectionManager } from './connections';
import { withCancellableProgress, type DatabaseContext } from './context';
import { describeValues, ParamMemory, paramChoices, paramPrompt, parseParamInput, type ParamChoice, type QueryAction } from './params';
import { ConnectionProblem } from './settings';
import { ACTION_LABEL, benchmarkLine, benchmarkReport, failureMessage, productionConfirmation, progressTitle, readOnlyRefusal } from './texts';

/** The full benchmark (issue 5's dashboard): saved in .querylens/benchmarks/ and shown in the dashboard. Arguments: [QueryLocation?]. */
export const BENCHMARK_RUN_COMMAND = 'querylens.benchmarkRun';

export class QueryCommands implements vscode.Disposable {
  private readonly memory: ParamMemory;
  private readonly disposables: vscode.Disposable[];
  private readonly benchmarkRuns = new vscode.EventEmitter<BenchmarkRun>();
  /** A full benchmark finished and was saved (the dashboard lists and shows it). */
  readonly onDidRunBenchmark = this.benchmarkRuns.event;
  private readonly benchmarkRunning = new vscode.EventEmitter<boolean>();
  /** A full benchmark started (true) or ended (false). */
  readonly onDidChangeBenchmarkRunning = this.benchmarkRunning.event;

  constructor(
    private readonly ctx: DatabaseContext,
    private readonly connections: ConnectionManager,
    private readonly plan: PlanPanel,
  ) {
    this.memory = new ParamMemory(ctx.extension.workspaceState);
    this.disposables = [
      vscode.commands.registerCommand(EXPLAIN_COMMAND, (location?: unknown) => this.run('explain', location)),
      vscode.commands.registerCommand(EXPLAIN_ANALYZE_COMMAND, (location?: unknown) => this.run('explainAnalyze', location)),
      vscode.commands.registerCommand(BENCHMARK_COMMAND, (location?: unknown) => this.run('benchmark', location)),
      vscode.commands.registerCommand('querylens.benchmarkRun', (location?: unknown) => this.run('benchmarkRun', location)),
      this.benchmarkRuns,
      this.benchmarkRunning,
      vscode.commands.registerCommand(PROVE_INDEX_COMMAND, (location?: unknown, index?: unknown) => this.run('proveIndex', location, index)),
    ];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Never throws: every failure is a message naming the connection. */
  async run(action: QueryAction, locationArgument?: unknown, indexArgument?: unknown): Promise<void> {
    let connectionName = '?';
    try {
      if (!this.ctx.mayRunOnDatabases()) return;
      const location = asQueryLocation(locationArgument) ?? this.cursorLocation();
      if (!location) {
        void vscode.window.showInformationMessage(`QueryLens: put the cursor in a query to run ${ACTION_LABEL[action]}.`);
        return;
      }
      const client = this.ctx.runningClient();
      if (!client) return;
      const setting = this.connections.activeSetting();
      connectionName = setting.name;
      const info = await client.sendRequest(QueryAtRequest.type, location);
      if (!info) {
        void vscode.window.showInformationMessage(`QueryLens: no query found at this place for ${ACTION_LABEL[action]}.`);
        return;
      }
      const index = asSuggestedIndex(indexArgument);
      if (!this.allowedOn(setting, action, info)) return;
      if (setting.production && !(await this.confirm(action, setting, info, index))) return;
      const params = await this.askParams(action, info);
      if (!params) return;
      // The connection confirmed above, even if the setting changed while the prompts were open.
      const connection = await this.connections.resolve(setting, location.uri);
      const timeoutMs = this.connections.timeoutMs();
      const title = progressTitle(action, setting.name);
      const base = { uri: location.uri, position: location.position, connection, params: params.values, timeoutMs };

      if (action === 'explain' || action === 'explainAnalyze') {
        const outcome = await withCancellableProgress(title, (token) =>
          client.sendRequest(ExplainRequest.type, { ...base, analyze: action === 'explainAnalyze' }, token),
        );
        if (outcome === 'cancelled') return this.cancelled(action, setting.name);
        this.ctx.output.appendLine(explainLine(outcome.value));
        this.plan.showExplain(info.key, location, outcome.value);
      } else if (action === 'benchmark') {
        const outcome = await withCancellableProgress(title, (token) => client.sendRequest(BenchmarkRequest.type, { ...base, analyze: true }, token));
        if (outcome === 'cancelled') return this.cancelled(action, setting.name);
        const report = benchmarkReport(outcome.value);
        for (const line of report.lines) this.ctx.output.appendLine(line);
        void vscode.window.showInformationMessage(report.message, 'Show Output').then((choice) => choice && this.ctx.output.show(true));
      } else if (action === 'benchmarkRun') {
        this.benchmarkRunning.fire(true);
        try {
          const outcome = await withCancellableProgress(title, (token) => client.sendRequest(BenchmarkRunRequest.type, { ...base, analyze: true }, token));
          if (outcome === 'cancelled') return this.cancelled(action, setting.name);
          const run = outcome.value;
          this.ctx.output.appendLine(`Full benchmark "${run.name}" on "${run.connection}" saved as .querylens/benchmarks/${run.id}.json: ${benchmarkLine({ ...run.stats, ...run })}`);
          this.benchmarkRuns.fire(run);
        } finally {
          this.benchmarkRunning.fire(false);
        }
      } else {
        const outcome = await withCancellableProgress(title, (token) => client.sendRequest(ProveIndexRequest.type, { ...base, index }, token));
        if (outcome === 'cancelled') return this.cancelled(action, setting.name);
        const proof = outcome.value;
        this.ctx.output.appendLine(`Index proof (${proof.method}) on "${proof.connection}": ${proof.headline}`);
        this.plan.showProof(info.key, location, proof);
        void vscode.window.showInformationMessage(`QueryLens: ${proof.headline}`);
      }
    } catch (error) {
      const name = error instanceof ConnectionProblem ? error.connection : connectionName;
      const message = this.ctx.redactor.redact(failureMessage(action, name, error));
      this.ctx.output.appendLine(message);
      void vscode.window.showErrorMessage(message);
    }
  }

  private cursorLocation(): QueryLocation | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return undefined;
    const { line, character } = editor.selection.active;
    return { uri: editor.document.uri.toString(), position: { line, character } };
  }

  private cancelled(action: QueryAction, connectionName: string): void {
    this.ctx.output.appendLine(`${ACTION_LABEL[action]} on "${connectionName}" cancelled.`);
    void vscode.window.setStatusBarMessage(`QueryLens: ${ACTION_LABEL[action]} on "${connectionName}" cancelled`, 4000);
  }

  /** Read-only connections refuse what writes: said here, before asking anything. */
  private allowedOn(setting: ConnectionSetting, action: QueryAction, info: QueryInfo): boolean {
    const refusal = readOnlyRefusal(setting, action, info.statementKind);
    if (refusal) void vscode.window.showWarningMessage(`QueryLens: ${refusal}`);
    return refusal === undefined;
  }

  private async confirm(action: QueryAction, setting: ConnectionSetting, info: QueryInfo, index?: SuggestedIndex): Promise<boolean> {
    const run = `Run on ${setting.name}`;
    const answer = await vscode.window.showWarningMessage(
      `QueryLens: ${ACTION_LABEL[action]} on a production connection`,
      { modal: true, detail: productionConfirmation(action, setting, info, index?.ddl) },
      run,
    );
    return answer === run;
  }

  /** The parameter values: `{ values: undefined }` is a generic plan; undefined when the user cancelled. */
  private async askParams(action: QueryAction, info: QueryInfo): Promise<{ values: ParamValue[] | undefined } | undefined> {
    const params = info.params;
    if (params.length === 0) return { values: [] };
    const remembered = this.memory.recall(info.key, params);
    const choice = await this.chooseParamMode(paramChoices(action, remembered), info, remembered);
    if (!choice) return undefined;
    if (choice === 'generic') return { values: undefined };
    if (choice === 'last' && remembered) {
      const parsed = ParamMemory.values(remembered, params);
      if ('values' in parsed) return parsed;
    }
    const texts: string[] = [];
    for (const [i, param] of params.entries()) {
      const text = await vscode.window.showInputBox({
        ...paramPrompt(param, i, params.length),
        value: remembered?.[i] ?? '',
        ignoreFocusOut: true,
        validateInput: (value) => {
          const parsed = parseParamInput(value, param);
          return 'error' in parsed ? parsed.error : undefined;
        },
      });
      if (text === undefined) return undefined;
      texts.push(text);
    }
    await this.memory.remember(info.key, texts);
    const parsed = ParamMemory.values(texts, params);
    return 'values' in parsed ? parsed : undefined;
  }

  private async chooseParamMode(choices: ParamChoice[], info: QueryInfo, remembered: string[] | undefined): Promise<ParamChoice | undefined> {
    if (choices.length === 1) return choices[0];
    const signature = info.params.map((p) => `${p.name}${p.type ? ` ${p.type}` : ''}`).join(', ');
    const items: Record<ParamChoice, vscode.QuickPickItem> = {
      last: { label: '$(history) Last values', description: remembered ? describeValues(remembered, info.params) : '' },
      enter: { label: '$(edit) Enter values', description: signature },
      generic: { label: '$(symbol-misc) Generic plan', description: 'no values: the plan the database picks for any value' },
    };
    const picked = await vscode.window.showQuickPick(
      choices.map((choice) => ({ ...items[choice], choice })),
      { title: `QueryLens: parameters of ${signature}`, placeHolder: 'Values for the query parameters' },
    );
    return picked?.choice;
  }
}

function explainLine(result: ExplainResult): string {
  const s = result.summary;
  const time = s.executionMs !== undefined ? `${formatMs(s.executionMs)} execution` : 'not executed';
  const problems = result.problems.length ? `${result.problems.length} problem(s): ${result.problems.map((p) => p.kind).join(', ')}` : 'no problems';
  return (
    `${result.analyzed ? 'EXPLAIN ANALYZE' : 'EXPLAIN'} on "${result.connection}" (${result.serverVersion}): ${time}, ` +
    `top ${s.topNode}, ${problems}; ${formatMs(result.wallMs)} in QueryLens`
  );
}
