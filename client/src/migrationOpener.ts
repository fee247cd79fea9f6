import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';

/** How long to wait for a created migration to be saved before opening it anyway. */
const OPEN_AFTER_MS = 1500;

/**
 * Opens the migration an index quick fix creates. The server attaches the
 * `querylens.openFile` command to the code action (what other LSP clients
 * run), but VS Code forgets a code action's command (with arguments) as soon
 * as it asks for code actions again, and applying the fix's edit makes the
 * server re-analyse, which does exactly that: running it then fails with
 * "command not found". So the files those commands name are remembered here,
 * the command is taken off the action, and each file is opened once VS Code
 * has created and saved it (opening it earlier shows an empty, unsaved file).
 */
export class MigrationOpener implements vscode.Disposable {
  private readonly pending = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidCreateFiles((event) => {
        for (const uri of event.files) if (this.pending.delete(uri.toString())) this.openWhenWritten(uri);
      }),
    );
  }

  readonly provideCodeActions: Middleware['provideCodeActions'] = async (document, range, context, token, next) => {
    const actions = await next(document, range, context, token);
    for (const action of actions ?? []) {
      const codeAction = action as vscode.CodeAction;
      const command = codeAction.command;
      const target = command?.command === 'querylens.openFile' ? command.arguments?.[0] : undefined;
      if (typeof target !== 'string') continue;
      this.pending.add(vscode.Uri.file(target).toString());
      // The file is opened from here; left on the action, VS Code may try the forgotten command and show an error.
      codeAction.command = undefined;
    }
    return actions;
  };

  private openWhenWritten(uri: vscode.Uri): void {
    let done = false;
    const open = () => {
      if (done) return;
      done = true;
      saved.dispose();
      clearTimeout(timer);
      void vscode.window.showTextDocument(uri, { preview: false });
    };
    const saved = vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.uri.toString() === uri.toString()) open();
    });
    const timer = setTimeout(open, OPEN_AFTER_MS);
    this.disposables.push(saved);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.pending.clear();
  }
}
