/** What the database commands share: the extension, the (redacting) output channel, the client. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Redactor } from './redact';

export interface DatabaseContext {
  extension: vscode.ExtensionContext;
  /** Redacts every known password. */
  output: vscode.OutputChannel;
  redactor: Redactor;
  /** The running client, or undefined after telling the user why there is none. */
  runningClient(): LanguageClient | undefined;
  /** False (after saying why) where nothing may run on a database: an untrusted workspace. */
  mayRunOnDatabases(): boolean;
}

/**
 * Runs a request under a cancellable progress notification; cancelling it
 * cancels the request, which cancels the statement on the database.
 * `cancelled` when the user cancelled (a result that arrived anyway is kept);
 * other failures, and an empty answer, are thrown.
 */
export async function withCancellableProgress<T>(
  title: string,
  run: (token: vscode.CancellationToken) => Thenable<T>,
): Promise<{ value: T } | 'cancelled'> {
  let cancelled = false;
  try {
    const value = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (_progress, token) => {
        token.onCancellationRequested(() => (cancelled = true));
        return run(token);
      },
    );
    if (value === null || value === undefined) {
      if (cancelled) return 'cancelled';
      throw new Error('the language server sent no result');
    }
    return { value };
  } catch (error) {
    if (cancelled) return 'cancelled';
    throw error;
  }
}
