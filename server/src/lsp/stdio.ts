/**
 * The server's connection over stdio, whose messages are written by `encodeMessage`: a
 * publishDiagnostics notification is put together from each diagnostic's JSON, kept with the
 * diagnostic. The diagnostics of the findings an edit did not touch are the same objects at
 * each publish (convert.ts), so typing in a file with 1,870 findings encodes the few that are
 * new instead of 1 MB of JSON each time; those the last publish of the file began and ended with
 * (all but the few around the edit) are copied from its bytes in two pieces. The JSON is
 * `JSON.stringify`'s with every character past ASCII written as a `\uXXXX` escape (the same message once parsed): a client decodes
 * an all-ASCII megabyte into a one-byte string several times faster than one holding a `→`
 * (vscode-jsonrpc and the bench's client both read it with `Buffer.toString` then `JSON.parse`).
 */
import { format } from 'node:util';
import {
  AbstractMessageWriter,
  createConnection,
  ProposedFeatures,
  PublishDiagnosticsNotification,
  type Connection,
  type ContentTypeEncoderOptions,
  type Diagnostic,
  type Message,
  type MessageReader,
  type MessageWriter,
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
  const head = Buffer.from(`${shell.slice(0, at)}[`, 'latin1');
  const tail = Buffer.from(`]${shell.slice(at + quoted.length)}`, 'latin1');
  // The diagnostics the last publish of this URI began and ended with are copied from its bytes, in two pieces.
  const uri = publish.params!.uri;
  const last = lastPublished.get(uri);
  let prefix = 0;
  let suffix = 0;
  if (last) {
    const before = last.diagnostics;
    const most = Math.min(before.length, diagnostics.length);
    while (prefix < most && before[prefix] === diagnostics[prefix]) prefix++;
    while (suffix < most - prefix && before[before.length - 1 - suffix] === diagnostics[diagnostics.length - 1 - suffix]) suffix++;
  }
  const parts: Buffer[] = [head];
  // Where each diagnostic's JSON starts in the list (after `[`), and where the list ends.
  const starts = new Int32Array(diagnostics.length + 1);
  let length = 0;
  if (prefix > 0) {
    // Up to the comma after the prefix's last diagnostic, or the end of the list when it is all of it.
    const end = prefix < last!.diagnostics.length ? last!.starts[prefix]! - 1 : last!.starts[prefix]!;
    const copied = last!.list.subarray(0, end);
    parts.push(copied);
    starts.set(last!.starts.subarray(0, prefix));
    length = copied.length;
  }
  const middle = diagnostics.length - suffix;
  for (let i = prefix; i < middle; i++) {
    const diagnostic = diagnostics[i]!;
    let json = encoded.get(diagnostic);
    if (json === undefined) encoded.set(diagnostic, (json = Buffer.from(asciiJson(JSON.stringify(diagnostic)), 'latin1')));
    if (i > 0) {
      parts.push(COMMA);
      length++;
    }
    starts[i] = length;
    parts.push(json);
    length += json.length;
  }
  if (suffix > 0) {
    const from = last!.starts[last!.diagnostics.length - suffix]!;
    if (middle > 0) {
      parts.push(COMMA);
      length++;
    }
    const shift = length - from;
    for (let i = middle, j = last!.diagnostics.length - suffix; i < diagnostics.length; i++, j++) starts[i] = last!.starts[j]! + shift;
    const copied = last!.list.subarray(from, last!.starts[last!.diagnostics.length]!);
    parts.push(copied);
    length += copied.length;
  }
  starts[diagnostics.length] = length;
  parts.push(tail);
  const message = Buffer.concat(parts);
  remember(uri, { diagnostics, list: message.subarray(head.length, head.length + length), starts });
  return message;
}

/** A publish's diagnostics, their JSON list (between the brackets) and where each one's starts in it, the last entry its end. */
interface Published {
  diagnostics: readonly Diagnostic[];
  list: Buffer;
  starts: Int32Array;
}

/** The last publish of the URIs published last (a few: typing publishes one file again and again, the files it affects between). */
const lastPublished = new Map<string, Published>();
const PUBLISHED_KEPT = 4;

function remember(uri: string, published: Published): void {
  lastPublished.delete(uri);
  lastPublished.set(uri, published);
  if (lastPublished.size > PUBLISHED_KEPT) lastPublished.delete(lastPublished.keys().next().value!);
}

/**
 * Writes each message to `stream` as soon as it is sent, framed as vscode-jsonrpc's StreamMessageWriter
 * frames it (`Content-Length`, then the JSON of encodeMessage). That writer queues each message behind a
 * `setImmediate` (its encoder may be asynchronous; this one is not): the event loop turned before a
 * publish went out, and the young-generation collection V8 asks for once that space is mostly full
 * (a task run at that turn, one in four edits in the 5,000-line file, 4-12 ms) ran while the client was
 * still waiting for the diagnostics, instead of after them. The stream keeps the messages in order.
 */
export class StdioMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on('error', (error: Error) => this.fireError(error));
    stream.on('close', () => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    let body: Buffer;
    try {
      body = encodeMessage(msg);
    } catch (error) {
      this.fireError(error, msg, ++this.errorCount);
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.stream.write(`Content-Length: ${body.length}\r\n\r\n`, 'ascii');
      this.stream.write(body, (error?: Error | null) => {
        if (!error) return resolve();
        this.fireError(error, msg, ++this.errorCount);
        reject(error);
      });
    });
  }

  end(): void {
    this.stream.end();
  }
}

/** The language server's connection on stdin and stdout, console output sent to the client's log (as vscode-languageserver does for `--stdio`). */
export function createStdioConnection(): Connection {
  const writer = new StdioMessageWriter(process.stdout);
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
