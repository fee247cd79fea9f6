/**
 * Passwords never reach the output channel: the redactor hides every known
 * password in each form it can be written in, and the patterns that carry
 * one (the `password` field of a traced request, URL userinfo, key=value);
 * the channel the LanguageClient traces into applies it to every write.
 */
import { strict as assert } from 'node:assert';
import type { OutputChannel } from 'vscode';
import { RedactingOutputChannel } from '../../../client/src/db/redactingChannel';
import { Redactor } from '../../../client/src/db/redact';
import type { ExplainParams } from '../../../shared/protocol';

function fakeChannel(): OutputChannel & { written: string[] } {
  const written: string[] = [];
  return {
    name: 'QueryLens',
    written,
    append: (v: string) => void written.push(v),
    appendLine: (v: string) => void written.push(`${v}\n`),
    replace: (v: string) => void written.splice(0, written.length, v),
    clear: () => void written.splice(0),
    show: () => undefined,
    hide: () => undefined,
    dispose: () => undefined,
  } as OutputChannel & { written: string[] };
}

describe('client redaction of secrets', function () {
  it('hides a known password raw, JSON-escaped and URL-encoded', function () {
    const redactor = new Redactor();
    const secret = 'pa"ss/w0rd&more';
    redactor.add(secret);
    const out = redactor.redact(`raw ${secret} json ${JSON.stringify(secret)} url ${encodeURIComponent(secret)}`);
    assert.ok(!out.includes(secret));
    assert.ok(!out.includes(JSON.stringify(secret).slice(1, -1)));
    assert.ok(!out.includes(encodeURIComponent(secret)));
    assert.equal(out, 'raw *** json "***" url ***');
  });

  it('hides passwords it was never told about where they are written as passwords', function () {
    const redactor = new Redactor();
    assert.equal(redactor.redact('{"name":"prod","password":"x\\"y"}'), '{"name":"prod","password":"***"}');
    assert.equal(redactor.redact('connect postgres://app:zz@db:5432/app failed'), 'connect postgres://app:***@db:5432/app failed');
    assert.equal(redactor.redact('host=db password=zz dbname=app'), 'host=db password=*** dbname=app');
    assert.equal(redactor.redact('PGPASSWORD=zz'), 'PGPASSWORD=***');
  });

  it('hides a short quoted password and URL passwords holding @ or / (issue 9)', function () {
    const redactor = new Redactor();
    assert.equal(redactor.redact("host=db password='abc' dbname=app"), 'host=db password=*** dbname=app');
    assert.equal(redactor.redact('host=db password = "a b\\"c" dbname=app'), 'host=db password = *** dbname=app');
    assert.equal(redactor.redact("PGPASSWORD='abc'"), 'PGPASSWORD=***');
    assert.equal(redactor.redact('connect postgres://u:p@ss@h/db failed'), 'connect postgres://u:***@h/db failed');
    assert.equal(redactor.redact('connect postgres://u:pa/ss@h/db failed'), 'connect postgres://u:***@h/db failed');
    assert.equal(redactor.redact('{"url":"postgres://u:p@ss@h:5432/db","name":"a@b"}'), '{"url":"postgres://u:***@h:5432/db","name":"a@b"}');
    // No password in the URL: nothing to hide, the host and port stay.
    assert.equal(redactor.redact('connect postgres://u@h:5432/db and postgres://h:5432/db failed'), 'connect postgres://u@h:5432/db and postgres://h:5432/db failed');
  });

  it('does not blank short common strings a tiny password would match', function () {
    const redactor = new Redactor();
    redactor.add('a');
    assert.equal(redactor.redact('a plan'), 'a plan');
  });

  it('leaves text without secrets alone', function () {
    const redactor = new Redactor();
    redactor.add('hunter22');
    const text = 'Seq Scan on workers (cost=0.00..180.00 rows=12 width=4)';
    assert.equal(redactor.redact(text), text);
  });

  it('redacts the verbose LSP trace of an explain request (what trace.server=verbose prints)', function () {
    const redactor = new Redactor();
    redactor.add('Tr0ub4dor&3');
    const channel = new RedactingOutputChannel(fakeChannel(), redactor);
    const params: ExplainParams = {
      uri: 'file:///w/queries.sql',
      position: { line: 3, character: 4 },
      connection: { name: 'prod', driver: 'postgres', host: 'db', password: 'Tr0ub4dor&3' },
      analyze: true,
      params: ['Tr0ub4dor&3 typed as a value'],
    };
    // vscode-languageclient writes the header with append and the params with appendLine.
    channel.append("[Trace - 10:00:00] Sending request 'querylens/explain - (7)'.\n");
    channel.appendLine(`Params: ${JSON.stringify(params, null, 4)}`);
    const inner = (channel as unknown as { inner: { written: string[] } }).inner;
    const all = inner.written.join('');
    assert.ok(!all.includes('Tr0ub4dor'), all);
    assert.match(all, /"password": "\*\*\*"/);
    assert.match(all, /"\*\*\* typed as a value"/);
    channel.replace(`again ${JSON.stringify(params)}`);
    assert.ok(!inner.written.join('').includes('Tr0ub4dor'));
    assert.equal(channel.name, 'QueryLens');
  });

  it('keeps a password out even when only the structure gives it away', function () {
    const channel = new RedactingOutputChannel(fakeChannel(), new Redactor());
    channel.appendLine(JSON.stringify({ connection: { name: 'x', password: 'not-yet-known' } }, null, 4));
    const inner = (channel as unknown as { inner: { written: string[] } }).inner;
    assert.ok(!inner.written.join('').includes('not-yet-known'));
  });
});
