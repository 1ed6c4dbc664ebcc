// Lists the exported symbols of every published entry point (typedoc.json's entryPoints) that have
// no doc comment, through TypeScript 5.9's compiler API (the workspace's TypeScript 7 has none).
// `node undocumented.mjs` prints the count and the list; test/api_docs.test.ts reads it as JSON.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

const documented = (checker, symbol) =>
  ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== '';

/**
 * `export * as name from './x.js'` aliases a whole module, which has no doc comment of its own:
 * the comment written on that export statement documents it.
 */
function namespaceExportDocumented(symbol) {
  return (symbol.declarations ?? []).some(
    (d) => ts.isNamespaceExport(d) && ts.getJSDocCommentsAndTags(d.parent).length > 0,
  );
}

export function undocumentedExports() {
  const config = ts.getParsedCommandLineOfConfigFile(
    resolve(here, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  const entries = JSON.parse(readFileSync(resolve(here, 'typedoc.json'), 'utf8')).entryPoints.map((e) =>
    resolve(here, e),
  );
  const program = ts.createProgram(entries, config.options);
  const checker = program.getTypeChecker();
  let total = 0;
  const missing = [];
  for (const entry of entries) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry));
    if (!module) throw new Error(`${entry} is not a module`);
    for (const s of checker.getExportsOfModule(module)) {
      total++;
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      if (!documented(checker, target) && !namespaceExportDocumented(s)) {
        missing.push(`${relative(root, entry)}: ${s.name}`);
      }
    }
  }
  return { total, missing };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { total, missing } = undocumentedExports();
  if (process.argv.includes('--json')) console.log(JSON.stringify({ total, missing }));
  else console.log(`${missing.length} of ${total} exports have no doc comment\n${missing.join('\n')}`);
}
