/** Shared by the validation gates: they take a decider FACTORY so in-process deciders and the sandbox both fit. */
import type { Params } from '../../contract/index.ts';
import type { DecideFn } from '../engine-types.ts';

/** Builds a fresh decider (fresh strategy state) for one engine run with these params. */
export type DeciderFactory = (params: Params) => DecideFn;
