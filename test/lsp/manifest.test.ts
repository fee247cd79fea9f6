/**
 * package.json's `contributes` against the code that reads it: settings
 * declared in shared/settings.ts, commands the client registers, the schema
 * of `.querylens.json`. A drift fails here rather than in a user's editor.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONNECTION_SETTING_DECLARATIONS } from '../../client/src/db/settings';
import * as protocol from '../../shared/protocol';
import { defaultSettings, SETTINGS, type QueryLensSettings } from '../../shared/settings';
import { REPO } from './client';

const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const contributes = manifest.contributes;

function get(settings: QueryLensSettings, key: string): unknown {
  return key
    .replace(/^querylens\./, '')
    .split('.')
    .reduce<unknown>((value, part) => (value as Record<string, unknown>)[part], settings);
}

/** Every TypeScript file of the client, recursively. */
function clientSources(dir = join(REPO, 'client/src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? clientSources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('package.json contributes', function () {
  it('declares exactly the settings shared/settings.ts reads, plus the client-only connection settings', function () {
    const properties = contributes.configuration.properties as Record<string, Record<string, unknown>>;
    const clientKeys = Object.keys(CONNECTION_SETTING_DECLARATIONS);
    assert.deepEqual(Object.keys(properties).sort(), [...SETTINGS.map((s) => s.key), ...clientKeys].sort());
    // The connection settings are read by the client only (client/src/db/settings.ts declares them whole).
    for (const key of clientKeys) assert.deepEqual(properties[key], CONNECTION_SETTING_DECLARATIONS[key], key);
    for (const setting of SETTINGS) {
      const declared = properties[setting.key]!;
      assert.equal(declared.type, setting.type, setting.key);
      assert.equal(declared.scope, setting.scope, setting.key);
      assert.deepEqual(declared.default, setting.default, setting.key);
      assert.deepEqual(declared.enum, setting.enum, setting.key);
      assert.equal(declared.minimum, setting.minimum, setting.key);
      assert.equal(declared.maximum, setting.maximum, setting.key);
      assert.equal(declared.markdownDescription ?? declared.description, setting.description, setting.key);
      assert.deepEqual(get(defaultSettings(), setting.key), setting.default, `default of ${setting.key}`);
    }
  });

  it('restricts in untrusted workspaces exactly the settings declared restricted, plus the connection settings', function () {
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations as string[];
    const expected = [...SETTINGS.filter((s) => s.restricted).map((s) => s.key), 'querylens.connections', 'querylens.activeConnection'];
    assert.deepEqual([...restricted].sort(), expected.sort());
    assert.ok(restricted.includes('querylens.configFile'), 'a repository must not point the config file elsewhere');
  });

  it('declares every command the client registers, under the QueryLens category', function () {
    // Commands are registered with a string literal or with a command-id constant of shared/protocol.ts.
    const constants = protocol as unknown as Record<string, unknown>;
    const registered = clientSources().flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/registerCommand\(\s*(?:'([^']+)'|([A-Z][A-Z0-9_]*))/g)].map((m) => {
        const id = m[1] ?? constants[m[2]!];
        assert.equal(typeof id, 'string', `${file}: registerCommand(${m[2]}) is not a command id of shared/protocol.ts`);
        return id as string;
      }),
    );
    assert.ok(registered.includes(protocol.EXPLAIN_ANALYZE_COMMAND), 'the CodeLens commands are registered');
    const declared = (contributes.commands as { command: string; category: string }[]).map((c) => c.command);
    // querylens.openFile is run by code actions, not by users: it stays out of the palette.
    assert.deepEqual(declared.sort(), registered.filter((c) => c !== 'querylens.openFile').sort());
    for (const command of contributes.commands) assert.equal(command.category, 'QueryLens');
    const menus = Object.values(contributes.menus ?? {}) as { command: string }[][];
    for (const item of menus.flat()) assert.ok(declared.includes(item.command), `menu item ${item.command} is a declared command`);
  });

  it('validates .querylens.json with a schema that exists and covers the config fields', function () {
    const [validation] = contributes.jsonValidation as { fileMatch: string; url: string }[];
    assert.equal(validation!.fileMatch, '.querylens.json');
    const schemaFile = join(REPO, validation!.url);
    assert.ok(existsSync(schemaFile), `${schemaFile} exists`);
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
    assert.deepEqual(Object.keys(schema.properties).sort(), ['$schema', 'benchmarks', 'dialect', 'exclude', 'health', 'ignorePatterns', 'include', 'includeTests', 'migrations', 'migrationsFrom', 'overrides', 'rules', 'server', 'shadow']);
  });

  it('ships every grammar it contributes', function () {
    for (const grammar of contributes.grammars ?? []) assert.ok(existsSync(join(REPO, grammar.path)), grammar.path);
  });
});
