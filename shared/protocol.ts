/**
 * QueryLens's extensions to the Language Server Protocol, declared once and
 * imported by both the client and the server. Each message says which side
 * sends it.
 */
import { NotificationType, RequestType0 } from 'vscode-languageserver-protocol';

/** Code action kind of "fix all QueryLens problems in this file" (editor.codeActionsOnSave). */
export const FIX_ALL_KIND = 'source.fixAll.querylens';

/** Client command a code action runs after its edit, to open the file a fix created. Argument: absolute path. */
export const OPEN_FILE_COMMAND = 'querylens.openFile';

export interface AnalyzeWorkspaceResult {
  /** Workspace folders analysed. */
  folders: number;
  /** SQL files analysed. */
  files: number;
  /** Findings in all files, by severity. */
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
}

/**
 * Sent by the client (command `querylens.analyzeWorkspace`): analyse every SQL
 * file of every folder, publish their diagnostics and return the counts.
 */
export namespace AnalyzeWorkspaceRequest {
  export const method = 'querylens/analyzeWorkspace';
  export const type = new RequestType0<AnalyzeWorkspaceResult, void>(method);
}

export type ServerState = 'indexing' | 'ready' | 'error';

export interface StatusParams {
  state: ServerState;
  /** SQL files known across all folders. */
  fileCount: number;
  /** What went wrong, when `state` is `error`. */
  error?: string;
}

/** Sent by the server whenever indexing starts or ends, or fails; drives the status bar. */
export namespace StatusNotification {
  export const method = 'querylens/status';
  export const type = new NotificationType<StatusParams>(method);
}
