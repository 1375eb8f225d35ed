import { KIND_SPECS, type NotificationKind, type Template } from './kinds';

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;
/** Limits on what a supervisor may store: templates are short texts, not documents. */
export const TEMPLATE_LIMITS = Object.freeze({ subject: 200, body: 4000 });

/** A problem with an edited template, located as `field:line:column`. */
export interface TemplateProblem {
  field: 'subject' | 'body';
  line: number;
  column: number;
  message: string;
}

function locate(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/**
 * Checks an edited template: only the kind's placeholders, balanced braces, within the limits. Returns
 * every problem (empty when the template may be stored).
 */
export function checkTemplate(kind: NotificationKind, template: Template): TemplateProblem[] {
  const allowed = KIND_SPECS[kind].variables;
  const problems: TemplateProblem[] = [];
  for (const field of ['subject', 'body'] as const) {
    const text = template[field];
    if (text.trim() === '') problems.push({ field, line: 1, column: 1, message: `${field} is empty` });
    if (text.length > TEMPLATE_LIMITS[field])
      problems.push({
        field,
        line: 1,
        column: 1,
        message: `${field} has ${text.length} characters; at most ${TEMPLATE_LIMITS[field]}`,
      });
    for (const match of text.matchAll(PLACEHOLDER)) {
      if (!(match[1]! in allowed))
        problems.push({
          field,
          ...locate(text, match.index),
          message: `unknown placeholder {{${match[1]}}}; ${kind} offers ${Object.keys(allowed).join(', ')}`,
        });
    }
    const stray = text.replace(PLACEHOLDER, (m) => ' '.repeat(m.length)).search(/\{\{|\}\}/);
    if (stray >= 0)
      problems.push({ field, ...locate(text, stray), message: 'unbalanced {{ or }}: write {{name}}' });
  }
  return problems;
}

/** Fills a template's placeholders; a variable without a value renders as "—". */
export function renderTemplate(template: Template, variables: Record<string, unknown>): Template {
  const fill = (text: string) =>
    text.replace(PLACEHOLDER, (_m, name: string) => {
      const value = variables[name];
      return value === null || value === undefined || value === '' ? '—' : String(value);
    });
  return { subject: fill(template.subject), body: fill(template.body) };
}
