// Types of layer-direction.js for the TypeScript tests that exercise it.
import type { Rule } from 'eslint';

export declare const LAYERS: ReadonlyArray<readonly string[]>;
export declare const layerDirection: Rule.RuleModule;
