import type { FactType } from './facts';

/** Types in checked expressions: the fact types plus literal lists, measures, targets and an error type. */
export type Ty =
  | FactType
  | { readonly kind: 'list'; readonly of: Ty }
  | { readonly kind: 'measure' }
  | { readonly kind: 'target' }
  /** A subexpression that already failed to check; suppresses follow-on errors. */
  | { readonly kind: 'error' };
