/**
 * The compiler host the type checks use (type-check.ts, and the proof in contract-declaration.ts):
 * files in `virtual` (path → text) are read from memory, every other file from `read` (default: the
 * disk), and a folder that only virtual files live in exists. JSDoc is parsed as tsc parses it, only
 * where a type error could need it (@see, @link): the library's thousands of comments were a tenth of
 * a first check's parse.
 */
import { dirname } from 'node:path';
import type ts from 'typescript';
import { compiler } from './compiler.ts';

type ReadSourceFile = (fileName: string, languageVersion: ts.ScriptTarget | ts.CreateSourceFileOptions) => ts.SourceFile | undefined;

export function virtualHost(options: ts.CompilerOptions, virtual: ReadonlyMap<string, string>, read?: ReadSourceFile): ts.CompilerHost {
  const host = compiler.createCompilerHost(options, true);
  host.jsDocParsingMode = compiler.JSDocParsingMode.ParseForTypeErrors;
  const disk = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError) => {
    const text = virtual.get(fileName);
    if (text !== undefined) return compiler.createSourceFile(fileName, text, languageVersion, true, compiler.ScriptKind.TS);
    return read ? read(fileName, languageVersion) : disk(fileName, languageVersion, onError);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => virtual.has(f) || fileExists(f);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => virtual.get(f) ?? readFile(f);
  const folders = new Set([...virtual.keys()].map((f) => dirname(f)));
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (d) => folders.has(d) || (directoryExists?.(d) ?? true);
  return host;
}
