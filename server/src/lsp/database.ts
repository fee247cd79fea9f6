/**
 * The language server's side of connected databases (issue 4): Explain,
 * Benchmark, Prove index and Test Connection requests, run through the
 * DatabaseService. A database that fails answers with its message (naming
 * the connection) as the request's error; a cancelled request cancels the
 * statement on the database. Index proofs are kept so the finding's hover
 * can show them.
 */
import {
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type Connection,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { IndexProof } from '../../../shared/explain';
import {
  BenchmarkRequest,
  ExplainRequest,
  ProveIndexRequest,
  TestConnectionRequest,
  type ExplainParams,
} from '../../../shared/protocol';
import type { Finding } from '../../../shared/types';
import { innermostAt, type ExplainableQuery } from '../core/engine/explainable';
import { DatabaseService, type QueryJob } from '../db/service';
import { DbError } from '../db/types';
import type { FolderState } from './folders';
import { describe, type Logger } from './guard';
import { checkConnection, checkQueryRequest } from './validate';

export interface DatabaseHost {
  /** The explainable queries of an open document and its folder. */
  queriesOf(uri: string): { document: TextDocument; queries: ExplainableQuery[]; folder: FolderState; file: string } | undefined;
  /** The folder of `folderUri`, or the first one (a connection test, the dashboard's requests). */
  folder(folderUri?: string): FolderState | undefined;
  /** What has shipped in the folder changed (a tracking table was read): its findings are published again. */
  historyChanged?(folder: FolderState): void;
}

export class DatabaseHandlers {
  readonly service: DatabaseService;
  /** Proofs by file, then by `table(columns)`. */
  private readonly proofs = new Map<string, Map<string, IndexProof>>();

  constructor(
    connection: Connection,
    readonly host: DatabaseHost,
    private readonly logger: Logger,
  ) {
    this.service = new DatabaseService({ log: (message) => logger.info(`QueryLens: ${message}`) });
    connection.onRequest(ExplainRequest.type, (params, token) =>
      this.run('explain', token, (signal) => this.service.explain({ ...this.target(params, signal).job, analyze: params.analyze })),
    );
    connection.onRequest(BenchmarkRequest.type, (params, token) =>
      this.run('benchmark', token, (signal) =>
        this.service.benchmark({
          ...this.target(params, signal).job,
          ...(params.iterations ? { iterations: params.iterations } : {}),
          ...(params.warmup !== undefined ? { warmup: params.warmup } : {}),
        }),
      ),
    );
    connection.onRequest(ProveIndexRequest.type, (params, token) =>
      this.run('index proof', token, async (signal) => {
        const { job, file, document } = this.target(params, signal);
        const index = params.index ?? suggestionIn(job, file, document);
        if (!index) throw new ResponseError(ErrorCodes.InvalidParams, 'QueryLens: no index suggestion for this query; nothing to prove.');
        const proof = await this.service.proveIndex({ ...job, index });
        const byIndex = this.proofs.get(file) ?? new Map<string, IndexProof>();
        byIndex.set(indexKey(proof.index), proof);
        this.proofs.set(file, byIndex);
        return proof;
      }),
    );
    connection.onRequest(TestConnectionRequest.type, (params) =>
      this.run('connection test', undefined, async () => {
        checkConnection(params?.connection);
        return this.service.test(params.connection, this.host.folder()?.root ?? process.cwd());
      }),
    );
  }

  /** The proof of the index a finding suggests, if one was measured. */
  proofFor(finding: Finding): IndexProof | undefined {
    return finding.index ? this.proofs.get(finding.file)?.get(indexKey(finding.index)) : undefined;
  }

  close(): Promise<void> {
    return this.service.close();
  }

  target(params: Omit<ExplainParams, 'analyze'>, signal: AbortSignal): { job: QueryJob; file: string; document: TextDocument } {
    checkQueryRequest(params);
    const found = this.host.queriesOf(params.uri);
    if (!found?.folder.workspace) throw new ResponseError(ErrorCodes.InvalidParams, 'QueryLens: this document is not analysed (open a file of the workspace folder).');
    const query = innermostAt(found.queries, found.document.offsetAt(params.position));
    if (!query) throw new ResponseError(ErrorCodes.InvalidParams, 'QueryLens: there is no query to explain here.');
    const job: QueryJob = {
      workspace: found.folder.workspace,
      root: found.folder.root,
      query,
      file: found.file,
      connection: params.connection,
      ...(params.params ? { params: params.params } : {}),
      ...(params.timeoutMs ? { timeoutMs: params.timeoutMs } : {}),
      signal,
    };
    return { job, file: found.file, document: found.document };
  }

  /** Runs one request: cancellation becomes an abort, a DbError its message, anything else a logged failure. */
  async run<T>(what: string, token: CancellationToken | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const subscription = token?.onCancellationRequested(() => controller.abort());
    try {
      return await work(controller.signal);
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      if (error instanceof DbError) {
        if (error.kind === 'cancelled' || controller.signal.aborted) throw new ResponseError(LSPErrorCodes.RequestCancelled, error.message);
        throw new ResponseError(LSPErrorCodes.RequestFailed, error.message, { kind: error.kind });
      }
      this.logger.error(`QueryLens: ${what} failed: ${describe(error)}`);
      throw new ResponseError(ErrorCodes.InternalError, `QueryLens: ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      subscription?.dispose();
    }
  }
}

function indexKey(index: { table: string; columns: string[] }): string {
  return `${index.table}(${index.columns.join(',')})`;
}

/** The index a finding on the query suggests (missing-index, missing-composite-index). */
function suggestionIn(job: QueryJob, file: string, document: TextDocument) {
  const { start, end } = job.query.span;
  return job.workspace.analyze(file).find((f) => {
    const at = document.offsetAt(f.range.start);
    return f.index && start <= at && at <= end;
  })?.index;
}
