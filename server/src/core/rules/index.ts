/**
 * The registry: every rule QueryLens runs, in one place. The engine, the
 * docs check and the tests all read this list.
 */
import { commitInLoop } from './commit-in-loop';
import { leadingWildcardLike } from './leading-wildcard-like';
import { missingCompositeIndex } from './missing-composite-index';
import { missingIndex } from './missing-index';
import { nPlusOne } from './n-plus-one';
import { poolExceedsServerConnections } from './pool-exceeds-server-connections';
import { poolMinAboveMax } from './pool-min-above-max';
import { poolSettingsIgnored } from './pool-settings-ignored';
import { poolWithoutConnectTimeout } from './pool-without-connect-timeout';
import { poolWithoutPrePing } from './pool-without-pre-ping';
import { sqliteWithoutPragmas } from './sqlite-without-pragmas';
import { statementCacheBehindPgbouncer } from './statement-cache-behind-pgbouncer';
import { nonConcurrentIndexCreation } from './non-concurrent-index-creation';
import { redundantIndex } from './redundant-index';
import { selectStar } from './select-star';
import { unindexedForeignKey } from './unindexed-foreign-key';
import { unmigratedModelIndex } from './unmigrated-model-index';
import { unpaginatedQuery } from './unpaginated-query';
import { unfilteredWrite } from './unfiltered-write';
import { filteredVectorSearch } from './filtered-vector-search';
import { hnswParametersBelowGuide } from './hnsw-parameters-below-guide';
import { vectorIndexOperatorMismatch } from './vector-index-operator-mismatch';
import { vectorSearchWithoutIndex } from './vector-search-without-index';
import { vectorSearchWithoutLimit } from './vector-search-without-limit';
import type { Rule } from './types';

export const rules: Rule[] = [
  missingCompositeIndex,
  missingIndex,
  unpaginatedQuery,
  leadingWildcardLike,
  unindexedForeignKey,
  redundantIndex,
  nonConcurrentIndexCreation,
  selectStar,
  nPlusOne,
  commitInLoop,
  unfilteredWrite,
  unmigratedModelIndex,
  poolWithoutConnectTimeout,
  poolWithoutPrePing,
  poolMinAboveMax,
  poolSettingsIgnored,
  poolExceedsServerConnections,
  statementCacheBehindPgbouncer,
  sqliteWithoutPragmas,
  vectorSearchWithoutLimit,
  vectorIndexOperatorMismatch,
  vectorSearchWithoutIndex,
  hnswParametersBelowGuide,
  filteredVectorSearch,
];

const byId = new Map(rules.map((rule) => [rule.meta.id, rule]));

export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}
