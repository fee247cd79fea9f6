/** The shadow database (issue 4, item 2): a synthetic, production-sized copy of the workspace's schema. */
export { buildShadow } from './build';
export { shadowScript, shadowSignature } from './script';
export type * from './types';
