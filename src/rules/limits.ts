/**
 * Frozen limits of the rules language. Rule text comes from users, so every resource a file can make the
 * compiler or evaluator spend is bounded; exceeding one is a located compile error, never a crash.
 */
export const RULE_LIMITS = Object.freeze({
  /** Bytes (UTF-16 code units) in one `.rules` file. */
  maxFileSize: 256 * 1024,
  maxTokens: 50_000,
  maxRules: 500,
  maxExamples: 1_000,
  /** Nesting depth of one expression (parentheses, operators, calls). */
  maxExpressionDepth: 32,
  /** AST nodes in the whole file. */
  maxNodes: 50_000,
  maxActionsPerRule: 16,
  maxListItems: 200,
  maxStringLength: 2_000,
  maxIdentifierLength: 64,
  /** Priorities are integers in [0, maxPriority]. */
  maxPriority: 1_000_000,
  /** Depth of one expression's syntax tree (operator chains such as a + b + c …; 且/或 chains are balanced). */
  maxTreeDepth: 64,
  /** Diagnostics reported for one file; the rest are summarised by ZR0010. */
  maxDiagnostics: 100,
  /** Rule-set versions are positive 32-bit integers (the database column). */
  maxVersion: 2_147_483_647,
  /** Durations are at most ten years, so instants computed from them stay valid dates. */
  maxDurationDays: 3_650,
});
