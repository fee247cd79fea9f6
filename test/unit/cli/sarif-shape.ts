/**
 * Checks the parts of SARIF 2.1.0 that the schema requires and GitHub code
 * scanning relies on. (No SARIF JSON schema ships in an installed package, so
 * this spells out the required fields instead of validating against it.)
 */
import * as assert from 'node:assert/strict';

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positiveInt(value: unknown, what: string): void {
  assert.ok(Number.isInteger(value) && (value as number) >= 1, `${what} must be an integer >= 1, got ${String(value)}`);
}

export function assertValidSarif(log: unknown): void {
  assert.ok(isObject(log), 'log is an object');
  assert.equal(log.version, '2.1.0');
  assert.match(String(log.$schema), /sarif.*2\.1\.0.*\.json$/);
  assert.ok(Array.isArray(log.runs) && log.runs.length === 1, 'one run');
  const run = log.runs[0];
  const driver = run.tool?.driver;
  assert.ok(isObject(driver), 'runs[0].tool.driver');
  assert.equal(typeof driver.name, 'string');
  assert.match(String(driver.informationUri), /^https?:\/\//);
  assert.ok(Array.isArray(driver.rules));
  const ids = new Set<string>();
  for (const rule of driver.rules) {
    assert.equal(typeof rule.id, 'string');
    assert.ok(!ids.has(rule.id), `rule ${rule.id} listed once`);
    ids.add(rule.id);
    assert.equal(typeof rule.shortDescription?.text, 'string');
    assert.match(String(rule.helpUri), /^https?:\/\//);
    assert.ok(['none', 'note', 'warning', 'error'].includes(rule.defaultConfiguration?.level));
  }
  assert.ok(Array.isArray(run.results));
  for (const result of run.results) {
    assert.equal(typeof result.ruleId, 'string');
    assert.ok(Number.isInteger(result.ruleIndex), 'ruleIndex');
    assert.equal(driver.rules[result.ruleIndex]?.id, result.ruleId, 'ruleIndex points at the rule');
    assert.ok(['none', 'note', 'warning', 'error'].includes(result.level));
    assert.ok(typeof result.message?.text === 'string' && result.message.text.length > 0);
    assert.ok(isObject(result.partialFingerprints) && Object.values(result.partialFingerprints).every((v) => typeof v === 'string'), 'partialFingerprints');
    if (result.baselineState !== undefined) assert.ok(['new', 'unchanged', 'updated', 'absent'].includes(result.baselineState), 'baselineState');
    assert.ok(Array.isArray(result.locations) && result.locations.length >= 1);
    for (const location of result.locations) {
      const physical = location.physicalLocation;
      assert.ok(isObject(physical));
      const uri = String(physical.artifactLocation?.uri);
      assert.ok(!uri.startsWith('/') && !/^[a-z]+:/i.test(uri) && !uri.includes('\\'), `relative uri: ${uri}`);
      assert.equal(physical.artifactLocation.uriBaseId, '%SRCROOT%');
      const region = physical.region;
      positiveInt(region.startLine, 'startLine');
      positiveInt(region.startColumn, 'startColumn');
      positiveInt(region.endLine, 'endLine');
      positiveInt(region.endColumn, 'endColumn');
      assert.ok(region.endLine >= region.startLine);
      if (region.endLine === region.startLine) assert.ok(region.endColumn >= region.startColumn);
    }
  }
}
