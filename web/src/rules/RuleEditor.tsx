import { useEffect, useRef } from 'react';
import { basicSetup, EditorView } from 'codemirror';
import { EditorState, type Extension } from '@codemirror/state';
import { autocompletion } from '@codemirror/autocomplete';
import { linter, lintGutter, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { MergeView } from '@codemirror/merge';
// basicSetup's default highlight style colours the mode's keyword/typeName/string/number/comment tokens.
import { rulesCompletion, rulesLanguage } from './rules-language';

export type Check = (source: string) => Promise<CmDiagnostic[]>;

function extensions(onChange: (source: string) => void, check: Check | null): Extension[] {
  return [
    basicSetup,
    rulesLanguage,
    autocompletion({ override: [rulesCompletion] }),
    EditorView.lineWrapping,
    EditorView.updateListener.of((update) => {
      if (update.docChanged) onChange(update.state.doc.toString());
    }),
    EditorView.theme({
      '&': { fontSize: '14px', height: '100%' },
      '.cm-scroller': { fontFamily: 'ui-monospace, monospace' },
    }),
    EditorView.contentAttributes.of({ 'aria-label': '规则文件编辑器' }),
    ...(check ? [lintGutter(), linter((view) => check(view.state.doc.toString()), { delay: 600 })] : []),
  ];
}

/**
 * The rule editor: CodeMirror 6 with the rules mode, fact completion and diagnostics from the server's
 * compiler (debounced), or — with `published` — a side-by-side diff against the published version.
 */
export default function RuleEditor({
  value,
  onChange,
  check,
  published,
  height = 460,
}: {
  value: string;
  onChange(source: string): void;
  check: Check;
  published?: string | null;
  height?: number;
}) {
  const host = useRef<HTMLDivElement>(null);
  const latest = useRef({ onChange, check });
  latest.current = { onChange, check };
  const initial = useRef(value);
  initial.current = value;

  useEffect(() => {
    const change = (source: string) => latest.current.onChange(source);
    const checker: Check = (source) => latest.current.check(source);
    if (published !== undefined && published !== null) {
      const merge = new MergeView({
        a: {
          doc: published,
          extensions: [
            basicSetup,
            rulesLanguage,
            EditorState.readOnly.of(true),
            EditorView.editable.of(false),
          ],
        },
        b: { doc: initial.current, extensions: extensions(change, null) },
        parent: host.current!,
      });
      return () => merge.destroy();
    }
    const view = new EditorView({
      doc: initial.current,
      extensions: extensions(change, checker),
      parent: host.current!,
    });
    return () => view.destroy();
  }, [published]);

  return (
    <div
      ref={host}
      style={{ height, overflow: 'auto', border: '1px solid #d9d9d9', borderRadius: 6 }}
      data-testid="rule-editor"
    />
  );
}
