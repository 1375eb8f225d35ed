/**
 * The rules language (issue 3): compile `.rules` text into a frozen RuleSet of closures, evaluate it on
 * facts at an instant given as data, resolve conflicts, explain decisions, run in-file examples.
 * Pure: no I/O, no clock, no eval. File reading lives in `./io`.
 */
export { compileRuleSet, type CompileResult } from './compile-rule-set';
export { parseRuleFile, type ParseResult } from './parse-file';
export { lex, type Token, type LexResult } from './lexer';
export { evaluate, matchRules, sweep, decide, traceRuleAt } from './evaluate';
export { withoutOpenEscalations, type OpenEscalation } from './dedup';
export { resolveConflicts, type Resolution } from './resolve';
export { explain } from './explain';
export { runExamples, exampleDiagnostics, type ExampleResult } from './run-examples';
export { formatDiagnostic, displaySafe } from './format-diagnostic';
export { factsFromJson, type FactsJson, type FactProblem } from './facts-from-json';
export { RULE_ERRORS, RulesError, type Diagnostic, type RuleErrorCode } from './errors';
export { RULE_LIMITS } from './limits';
export * from './decision';
export * from './facts';
export * from './fact-enums';
export type { RuleSet, CompiledRule, RuleAction, RuleExample, ExampleExpectation } from './rule-set';
export type { EvalContext } from './compile-expression';
export type { SourceRange } from './source';
export { MEASURES, TARGETS, KEYWORDS, measureWeight, type Measure, type TargetKind } from './vocabulary';
export { FUNCTIONS } from './functions';
export { evaluateUnitSubject, unitSubjectFacts, unitSubjectRules } from './unit-subject';
