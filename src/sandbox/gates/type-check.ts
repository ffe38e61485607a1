/**
 * Strict type check of a candidate against the API declaration (src/contract), with typescript 6.
 * On top of `strict`: no `any` (written or inferred, e.g. JSON.parse) and computed property keys
 * (`o[k]`, `{ [k]: v }`, destructuring, `k in o` unless k is a string literal) must be numbers. The
 * second rule is what catches string-built property access (`o[k]` with k = 'constr'+'uctor') that
 * the syntactic gate cannot see; it means strategies use Map for keyed data. Types can be made to
 * lie (a cast, a type guard, array covariance), so the bundle also guards every such key at run
 * time (keys.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import type ts from 'typescript';
import { COMPILER_CACHE_DIR, compiler, keepCompiledCode } from './compiler.ts';
import { contractDeclaration, type ContractDeclaration } from './contract-declaration.ts';
import { isLiteralKey, keyOf } from './keys.ts';
import { virtualHost } from './virtual-host.ts';
import { ACTIVE_STRATEGY_FILE, issueAt, type GateIssue, type ModuleKind } from './types.ts';

/**
 * ES2023 without the declarations of what the syntactic gate bans (Promise, Proxy, Reflect, Intl's
 * later parts, SharedArrayBuffer, Atomics, WeakRef) or what reaches only them (BigInt's and matchAll's
 * Intl overloads, async iteration; Intl's ES5 part stays, es5 holds it): ~140 K characters a new file's first check no longer parses and binds.
 */
const STRATEGY_LIB = [
  'es5',
  'es2015.core',
  'es2015.collection',
  'es2015.iterable',
  'es2015.generator',
  'es2015.symbol',
  'es2015.symbol.wellknown',
  'es2016.array.include',
  'es2017.arraybuffer',
  'es2017.date',
  'es2017.object',
  'es2017.string',
  'es2017.typedarrays',
  'es2018.regexp',
  'es2019.array',
  'es2019.object',
  'es2019.string',
  'es2019.symbol',
  'es2020.symbol.wellknown',
  'es2021.string',
  'es2022.array',
  'es2022.error',
  'es2022.object',
  'es2022.regexp',
  'es2022.string',
  'es2023.array',
  'es2023.collection',
].map((name) => `lib.${name}.d.ts`);

export const CHECK_OPTIONS: ts.CompilerOptions = {
  target: compiler.ScriptTarget.ES2022,
  lib: STRATEGY_LIB,
  module: compiler.ModuleKind.NodeNext,
  moduleResolution: compiler.ModuleResolutionKind.NodeNext,
  allowImportingTsExtensions: true,
  noEmit: true,
  strict: true,
  noImplicitAny: true,
  noUncheckedIndexedAccess: true,
  noImplicitReturns: true,
  verbatimModuleSyntax: true,
  skipLibCheck: true,
  types: [],
};

const CONTRACT_FOR: Record<ModuleKind, { file: string; type: string }> = {
  strategy: { file: 'src/contract/strategy.ts', type: 'StrategyModule<unknown>' },
  statistics: { file: 'src/contract/analysis.ts', type: 'AnalysisModule' },
};

/**
 * Parsed (and, once checked, bound) files by name and text, shared by every check in the process: the
 * library, the contract or its declaration, the skills. A file is parsed again only when its text
 * changed (one version kept per name), so a check always reads the checkout as it is. A parsed file
 * depends on nothing but its text and CHECK_OPTIONS (the compiler's symbol merging copies what it
 * changes, as its language service relies on when projects share files): the gate snapshot
 * (snapshot-main.ts) is made with the build's files parsed, and keeps whichever are unchanged.
 */
const parsedFiles = new Map<string, ts.SourceFile>();

function parsedFile(fileName: string, text: string, options: ts.ScriptTarget | ts.CreateSourceFileOptions): ts.SourceFile {
  const hit = parsedFiles.get(fileName);
  const format = typeof options === 'object' ? options.impliedNodeFormat : undefined;
  if (hit && hit.text === text && hit.impliedNodeFormat === format) return hit;
  const sf = compiler.createSourceFile(fileName, text, options, true);
  parsedFiles.set(fileName, sf);
  return sf;
}

/** A strict check against the contract; later checks reuse the program (and every file parsed, see parsedFiles). */
export class TypeChecker {
  private old: ts.Program | undefined;
  private declaration: ContractDeclaration | null | undefined;

  /** `declarationCache`: where the contract's zod-free declaration is kept (contract-declaration.ts); null: the contract itself is read. */
  constructor(
    private readonly repoRoot: string,
    private readonly declarationCache: string | null = COMPILER_CACHE_DIR,
  ) {}

  check(kind: ModuleKind, virtualPath: string, source: string): GateIssue[] {
    const candidate = join(this.repoRoot, virtualPath);
    const checkFile = join(dirname(candidate), '__gate_check__.ts');
    const virtual = new Map([
      [candidate, source],
      [checkFile, this.checkSource(kind, virtualPath)],
    ]);
    this.declaration ??=
      this.declarationCache === null
        ? null
        : contractDeclaration({ repoRoot: this.repoRoot, options: CHECK_OPTIONS, cacheDir: this.declarationCache }).declaration;
    const host = this.host(virtual, this.declaration);
    const program = compiler.createProgram({ rootNames: [candidate, checkFile], options: CHECK_OPTIONS, host, oldProgram: this.old });
    this.old = program;
    const sf = program.getSourceFile(candidate);
    if (!sf) return [issueAt('types', 'program', null, 'candidate was not part of the program')];
    const issues = [...this.diagnostics(program, sf), ...this.contractDiagnostics(program, checkFile, kind)];
    const out = issues.length > 0 ? issues : typeAwareRules(sf, program.getTypeChecker());
    keepCompiledCode();
    return out;
  }

  private checkSource(kind: ModuleKind, virtualPath: string): string {
    const { file, type } = CONTRACT_FOR[kind];
    const rel = (p: string): string => {
      const r = posix.relative(posix.dirname(virtualPath), p);
      return r.startsWith('.') ? r : `./${r}`;
    };
    const name = type.replace(/<.*/, '');
    return `import type { ${name} } from '${rel(file)}';\nimport candidate from '${rel(virtualPath)}';\nexport const checked: ${type} = candidate;\n`;
  }

  /** Virtual files first; every other file (the contract's declaration in the contract's place) as parsedFiles holds it. */
  private host(virtual: ReadonlyMap<string, string>, declaration: ContractDeclaration | null): ts.CompilerHost {
    return virtualHost(CHECK_OPTIONS, virtual, (fileName, options) => {
      const text = declaration?.get(fileName) ?? compiler.sys.readFile(fileName);
      return text === undefined ? undefined : parsedFile(fileName, text, options);
    });
  }

  private diagnostics(program: ts.Program, sf: ts.SourceFile): GateIssue[] {
    const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    return diags.map((d) =>
      issueAt(
        'types',
        `TS${d.code}`,
        d.start === undefined ? null : sf.getLineAndCharacterOfPosition(d.start),
        compiler.flattenDiagnosticMessageText(d.messageText, ' '),
      ),
    );
  }

  private contractDiagnostics(program: ts.Program, checkFile: string, kind: ModuleKind): GateIssue[] {
    const sf = program.getSourceFile(checkFile);
    if (!sf) return [];
    return program
      .getSemanticDiagnostics(sf)
      .map((d) =>
        issueAt(
          'types',
          'contract',
          null,
          `the default export must implement ${CONTRACT_FOR[kind].type}: ${compiler.flattenDiagnosticMessageText(d.messageText, ' ')}`,
        ),
      );
  }
}

/**
 * One check of the active strategy file (or an empty module), so what a first check makes for later
 * ones (the compiler's compiled code, the contract's declaration) is made by `npm run build`, not by
 * the first strategy file an operator backtests. Its verdict does not matter here.
 */
export function warmTypeCheck(repoRoot: string): void {
  let source = 'export default 0;\n';
  try {
    source = readFileSync(join(repoRoot, ACTIVE_STRATEGY_FILE), 'utf8');
  } catch {
    // No active file: an empty module still makes both.
  }
  new TypeChecker(repoRoot).check('strategy', ACTIVE_STRATEGY_FILE, source);
}

function isNumberish(t: ts.Type): boolean {
  if (t.flags & compiler.TypeFlags.NumberLike) return true;
  return t.isUnion() && t.types.every(isNumberish);
}

const ANY_PROBED = (n: ts.Node): boolean =>
  compiler.isIdentifier(n) || compiler.isCallExpression(n) || compiler.isPropertyAccessExpression(n) || compiler.isElementAccessExpression(n);

function typeAwareRules(sf: ts.SourceFile, checker: ts.TypeChecker): GateIssue[] {
  const issues: GateIssue[] = [];
  const at = (n: ts.Node): ts.LineAndCharacter => sf.getLineAndCharacterOfPosition(n.getStart(sf));
  const visit = (n: ts.Node): void => {
    if (n.kind === compiler.SyntaxKind.AnyKeyword) issues.push(issueAt('types', 'no-any', at(n), "'any' is not allowed; use a precise type or unknown"));
    // The name in a type predicate (`x is number`) has no type of its own: the checker answers any.
    else if (
      ANY_PROBED(n) &&
      !compiler.isImportSpecifier(n.parent) &&
      !compiler.isTypePredicateNode(n.parent) &&
      checker.getTypeAtLocation(n).flags & compiler.TypeFlags.Any
    ) {
      issues.push(issueAt('types', 'no-any', at(n), `'${n.getText(sf).slice(0, 40)}' has type any; give it a precise type`));
    }
    const key = keyOf(n);
    if (key !== null && !isNumberish(checker.getTypeAtLocation(key)) && !(compiler.isBinaryExpression(n) && isLiteralKey(key))) {
      issues.push(
        issueAt('types', 'number-index', at(key), `computed property keys must be numbers (got '${key.getText(sf).slice(0, 40)}'); use a Map for keyed data`),
      );
    }
    compiler.forEachChild(n, visit);
  };
  visit(sf);
  return issues;
}
