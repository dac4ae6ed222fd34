/** Type errors of some files under the project's tsconfig (a whole-program check, as `npm run typecheck` does), as readable text, one per error. */
import path from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './process.js';

export function typeErrors(files: string[]): string[] {
  const configFile = ts.readConfigFile(path.join(REPO_ROOT, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, REPO_ROOT);
  // rootDir only matters for emitting; a probe file outside the repo must not trip it.
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true, rootDir: undefined });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
    // The code the error points at (the property a wrong value is given for), as tsc underlines it.
    const at = d.file && d.start !== undefined && d.length ? ` [at \`${d.file.text.slice(d.start, d.start + d.length)}\`]` : '';
    // The related information says which declared property a value failed ("comes from property 'id'").
    const related = (d.relatedInformation ?? []).map((r) => `\n  ${ts.flattenDiagnosticMessageText(r.messageText, '\n')}`).join('');
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n') + at + related;
  });
}
