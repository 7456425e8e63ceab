import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { projectPath } from '@tributary/database';

const { compilerOptions } = JSON.parse(readFileSync(projectPath('tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
const ALIASES = new Map(Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, projectPath(target!)]));

export interface ImportGraph {
  /** Project files reached, relative to the project root. */
  files: Set<string>;
  /** Packages imported by those files (`@prisma/client`, `node:fs`, …), with one importer each. */
  packages: Map<string, string>;
}

function resolveLocal(from: string, specifier: string): string | undefined {
  const aliased = ALIASES.get(specifier);
  if (aliased) return aliased;
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, `${base}/index.ts`, base]) {
    if (existsSync(candidate) && candidate.match(/\.[mc]?[tj]s$/)) return candidate;
  }
  throw new Error(`cannot resolve ${specifier} from ${from}`);
}

/** Every file and package that importing `entry` loads, following static and dynamic imports but not type-only ones. */
export function importGraph(entry: string): ImportGraph {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const pending = [projectPath(entry)];
  while (pending.length) {
    const file = pending.pop()!;
    const name = relative(projectPath(), file);
    if (files.has(name)) continue;
    files.add(name);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const specifiers: string[] = [];
    const visit = (node: ts.Node) => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.isTypeOnly || (node.importClause?.namedBindings && ts.isNamedImports(node.importClause.namedBindings) && !node.importClause.name && node.importClause.namedBindings.elements.every((e) => e.isTypeOnly)) : node.isTypeOnly;
        if (!typeOnly) specifiers.push(node.moduleSpecifier.text);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && ts.isStringLiteral(node.arguments[0]!)) {
        specifiers.push((node.arguments[0] as ts.StringLiteral).text);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    for (const specifier of specifiers) {
      const local = resolveLocal(file, specifier);
      if (local) pending.push(local);
      else if (!packages.has(packageOf(specifier))) packages.set(packageOf(specifier), name);
    }
  }
  return { files, packages };
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
