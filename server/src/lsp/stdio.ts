/**
 * The server's connection over stdio, whose messages are written by `encodeMessage`: a
 * publishDiagnostics notification is put together from each diagnostic's JSON, kept with the
 * diagnostic. The diagnostics of the findings an edit did not touch are the same objects at
 * each publish (convert.ts), so typing in a file with 1,870 findings encodes the few that are
 * new instead of 1 MB of JSON each time. The JSON is `JSON.stringify`'s with every character
 * past ASCII written as a `\uXXXX` escape (the same message once parsed): a client decodes
 * an all-ASCII megabyte into a one-byte string several times faster than one holding a `→`
 * (vscode-jsonrpc and the bench's client both read it with `Buffer.toString` then `JSON.parse`).
 */
import { format } from 'node:util';
import {
  createConnection,
  ProposedFeatures,
  PublishDiagnosticsNotification,
  StreamMessageWriter,
  type Connection,
  type ContentTypeEncoderOptions,
  type Diagnostic,
  type Message,
  type MessageReader,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';

/** Each diagnostic's JSON as UTF-8; a diagnostic is not changed once made (convert.ts, baseline.ts make new ones). */
const encoded = new WeakMap<Diagnostic, Buffer>();
const COMMA = Buffer.from(',');

/** Characters past ASCII (UTF-16 code units: a surrogate pair becomes two escapes, which JSON reads back as one character). */
const NON_ASCII = /[\u0080-\uffff]/g;

/** `json` with each character past ASCII as a `\uXXXX` escape: the same JSON value, all of it ASCII. */
export function asciiJson(json: string): string {
  NON_ASCII.lastIndex = 0;
  if (!NON_ASCII.test(json)) return json;
  return json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The JSON of `msg` (all ASCII, see asciiJson), in the encoding vscode-jsonrpc's own encoder writes. */
export function encodeMessage(msg: Message, charset: ContentTypeEncoderOptions['charset'] = 'utf-8'): Buffer {
  const publish = msg as Message & { method?: string; params?: PublishDiagnosticsParams };
  const diagnostics = publish.method === PublishDiagnosticsNotification.method ? publish.params?.diagnostics : undefined;
  if (!diagnostics || diagnostics.length === 0 || charset !== 'utf-8') return Buffer.from(charset === 'utf-8' ? asciiJson(JSON.stringify(msg)) : JSON.stringify(msg), charset);
  // The message with an empty list, then the diagnostics spliced in where the list is.
  const marker = '\u0000diagnostics\u0000';
  const quoted = JSON.stringify(marker);
  const shell = asciiJson(JSON.stringify({ ...msg, params: { ...publish.params, diagnostics: marker } }));
  const at = shell.indexOf(quoted);
  const parts: Buffer[] = [Buffer.from(`${shell.slice(0, at)}[`, 'latin1')];
  for (let i = 0; i < diagnostics.length; i++) {
    const diagnostic = diagnostics[i]!;
    let json = encoded.get(diagnostic);
    if (json === undefined) encoded.set(diagnostic, (json = Buffer.from(asciiJson(JSON.stringify(diagnostic)), 'latin1')));
    if (i > 0) parts.push(COMMA);
    parts.push(json);
  }
  parts.push(Buffer.from(`]${shell.slice(at + quoted.length)}`, 'latin1'));
  return Buffer.concat(parts);
}

/** The language server's connection on stdin and stdout, console output sent to the client's log (as vscode-languageserver does for `--stdio`). */
export function createStdioConnection(): Connection {
  const writer = new StreamMessageWriter(process.stdout, {
    contentTypeEncoder: { name: 'application/json', encode: (msg, options) => Promise.resolve(encodeMessage(msg, options.charset)) },
  });
  // A stream as the input, as vscode-languageserver's own `--stdio` path passes it: read with its
  // StreamMessageReader, and the process ends when the client closes it.
  const connection = createConnection(ProposedFeatures.all, process.stdin as unknown as MessageReader, writer);
  const log = (write: (message: string) => void) => (...args: unknown[]) => write(format(...args));
  console.log = console.info = log((m) => connection.console.log(m));
  console.debug = log((m) => connection.console.debug(m));
  console.warn = log((m) => connection.console.warn(m));
  console.error = console.trace = log((m) => connection.console.error(m));
  return connection;
}
