/**
 * The API declaration (src/contract) as the type check reads it: the same files with zod gone. The
 * contract's types come from zod schemas (`type Candle = z.infer<typeof CandleSchema>`), so checking
 * a strategy against it parsed and bound zod's own declarations, ~255 K of the program's ~640 K
 * characters and ~140 ms of every new file's first check, for types a module may only `import type`.
 *
 * Here each contract file is its declaration (the compiler's declaration emit) with every alias zod
 * computes written out as the type it computes, and the schemas and the zod import dropped. It is
 * used only when proven: the declaration compiles, and each exported type is identical to the
 * contract's own (the identity test below, stricter than assignability both ways). Anything else, or
 * no writable cache folder, and the check reads the contract itself, as before: slower, never wrong.
 * Kept in the compiler's cache folder (compiler.ts), named by the contract's files, typescript's and
 * zod's versions, the check's options and the code that makes it, so a change to any of them makes it again.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type ts from 'typescript';
import { folderDigest, packageVersion, writeEntry } from '../../content-cache.ts';
import { sha256 } from '../../hash.ts';
import { compiler } from './compiler.ts';
import { pruneImports, withoutZod } from './declaration-rewrite.ts';
import { virtualHost } from './virtual-host.ts';
import { API_DIR } from './types.ts';

/** The code that decides what a declaration says: a change to it makes every declaration again. */
const GENERATOR = ['./contract-declaration.ts', './declaration-rewrite.ts'];

/** Absolute path of a contract file → the text the type check reads in its place. */
export type ContractDeclaration = ReadonlyMap<string, string>;

export interface DeclarationSetup {
  readonly repoRoot: string;
  /** The type check's options: the declaration is proven under the same ones. */
  readonly options: ts.CompilerOptions;
  /** Where it is kept; none: made in this process and not kept. */
  readonly cacheDir?: string;
}

type Files = Readonly<Record<string, string>>;

/**
 * The entry's files (null: a declaration that could not be proven) if it is there, whole and for
 * `name`; undefined otherwise. Checked by hand: zod is what the gate process avoids loading.
 */
function readDeclaration(dir: string, name: string): Files | null | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null || (entry as { key?: unknown }).key !== name) return undefined;
  const files = (entry as { files?: unknown }).files;
  if (files === null) return null;
  if (typeof files !== 'object' || Array.isArray(files)) return undefined;
  return Object.values(files).every((t) => typeof t === 'string') ? (files as Files) : undefined;
}

/** The declaration for this checkout's contract (from the cache, or made and kept), or null: read the contract itself. */
export function contractDeclaration(setup: DeclarationSetup): { declaration: ContractDeclaration | null; made: boolean } {
  const contractDir = join(setup.repoRoot, API_DIR);
  const key = sha256(
    JSON.stringify([
      folderDigest(contractDir, 'contract'),
      compiler.version,
      packageVersion('zod', join(setup.repoRoot, 'package.json')),
      setup.options,
      ...GENERATOR.map((file) => sha256(readFileSync(fileURLToPath(new URL(file, import.meta.url))))),
    ]),
  );
  const name = `contract-${key}`;
  const hit = setup.cacheDir === undefined ? undefined : readDeclaration(setup.cacheDir, name);
  if (hit !== undefined) return { declaration: hit && absolute(setup.repoRoot, hit), made: false };
  const files = makeDeclaration(contractDir, setup.options);
  if (setup.cacheDir !== undefined) {
    try {
      // A declaration that could not be proven is kept too (as null): it is not tried again until something changes.
      writeEntry(setup.cacheDir, name, JSON.stringify({ key: name, files: files && Object.fromEntries(files) }));
      // One at a time: an earlier contract's is never read again.
      for (const old of readdirSync(setup.cacheDir))
        if (old.startsWith('contract-') && old !== `${name}.json`) rmSync(join(setup.cacheDir, old), { force: true });
    } catch {
      // No cache folder: this process still uses what it made.
    }
  }
  return { declaration: files && absolute(setup.repoRoot, Object.fromEntries(files)), made: true };
}

function absolute(repoRoot: string, files: Files): ContractDeclaration {
  return new Map(Object.entries(files).map(([rel, text]) => [join(repoRoot, API_DIR, rel), text]));
}

/** Contract file name (relative to the contract folder) → its zod-free declaration, or null if it cannot be proven. */
function makeDeclaration(contractDir: string, options: ts.CompilerOptions): Map<string, string> | null {
  const roots = readdirSync(contractDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(contractDir, f));
  const program = compiler.createProgram({
    rootNames: roots,
    options: { ...options, noEmit: false, declaration: true, emitDeclarationOnly: true },
  });
  const emitted = new Map<string, string>();
  program.emit(undefined, (_name, text, _bom, _onError, sources) => {
    const source = sources?.[0];
    if (source) emitted.set(source.fileName, text);
  });
  const checker = program.getTypeChecker();
  const dropped = new Map<string, Set<string>>();
  const written = new Map<string, string>();
  for (const file of roots) {
    const source = program.getSourceFile(file);
    const text = emitted.get(file);
    if (!source || text === undefined) return null;
    const out = withoutZod(source, text, checker);
    if (!out) return null;
    written.set(file, out.text);
    dropped.set(file, out.dropped);
  }
  const files = new Map([...written].map(([file, text]) => [file.slice(contractDir.length), pruneImports(file, text, dropped)]));
  return proven(contractDir, files, options) ? files : null;
}

const PROOF_DIR = '__declaration__/';
const SAME = 'type Same<X, Y> = (<T>() => T extends X ? 1 : 2) extends (<T>() => T extends Y ? 1 : 2) ? true : false;';

/** The exported types of a declaration a proof can name without arguments (none, or all defaulted). */
function provableTypes(text: string): string[] {
  const sf = compiler.createSourceFile('declaration.d.ts', text, compiler.ScriptTarget.ES2022, false);
  return sf.statements
    .filter((st) => compiler.isTypeAliasDeclaration(st) || compiler.isInterfaceDeclaration(st))
    .filter((st) => (compiler.getModifiers(st) ?? []).some((m) => m.kind === compiler.SyntaxKind.ExportKeyword))
    .filter((st) => (st.typeParameters ?? []).every((p) => p.default !== undefined))
    .map((st) => st.name.text);
}

/**
 * True when the declaration, beside the contract in a folder of its own, compiles and each of its
 * exported types is identical to the contract's type of that name.
 */
function proven(contractDir: string, files: ReadonlyMap<string, string>, options: ts.CompilerOptions): boolean {
  const dir = join(contractDir, PROOF_DIR);
  const virtual = new Map([...files].map(([rel, text]) => [join(dir, rel), text]));
  const lines = [SAME];
  [...files].forEach(([rel, text], i) => {
    lines.push(`import type * as O${i} from '../${rel}';`, `import type * as D${i} from './${rel}';`);
    for (const name of provableTypes(text)) lines.push(`export const same_${i}_${name}: Same<O${i}.${name}, D${i}.${name}> = true;`);
  });
  const proof = join(dir, '__proof__.ts');
  virtual.set(proof, lines.join('\n'));
  const program = compiler.createProgram({ rootNames: [proof], options, host: virtualHost(options, virtual) });
  return [...virtual.keys()].every((f) => {
    const sf = program.getSourceFile(f);
    return sf !== undefined && program.getSyntacticDiagnostics(sf).length === 0 && program.getSemanticDiagnostics(sf).length === 0;
  });
}
