/**
 * Stack traces of a bundled Lambda mapped to its TypeScript sources, with the source map read only when a stack is
 * first formatted. Node's `--enable-source-maps` reads and parses the map, and measures every line of the bundle,
 * while the bundle loads: about a fifth of the formatter's cold start (docs/performance.md), paid by every cold
 * start for the rare one whose error is printed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Maps the frames of `moduleUrl` (a bundle's `import.meta.url`) through `<bundle>.map` whenever an error's stack is
 * formatted. Nothing happens where the bundle has no map beside it (the TypeScript sources run by tests and the local
 * runner) or where Node maps stacks itself (`--enable-source-maps`). Returns whether the mapping was installed.
 */
export function mapStackTracesOnDemand(moduleUrl: string): boolean {
  if (process.sourceMapsEnabled || !moduleUrl.startsWith('file:')) return false;
  const bundle = fileURLToPath(moduleUrl);
  const mapFile = `${bundle}.map`;
  if (!existsSync(mapFile)) return false;
  let map: SourceMap | null | undefined;
  const loadMap = (): SourceMap | null => {
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
      } catch {
        // No readable map: frames keep the bundle's positions.
        map = null;
      }
    }
    return map;
  };
  const sourcePath = (source: string) =>
    source.startsWith('file:') ? fileURLToPath(source) : path.resolve(path.dirname(mapFile), source);
  const frameText = (frame: NodeJS.CallSite, caller: NodeJS.CallSite | undefined): string => {
    const text = String(frame);
    const file = frame.getFileName();
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    if (!file || line === null || column === null || (file !== moduleUrl && file !== bundle)) return text;
    const entry = loadMap()?.findEntry(line - 1, column - 1);
    if (!entry || !('originalSource' in entry) || !entry.originalSource) return text;
    const original = `${sourcePath(entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    return renamed(text.replace(`${file}:${line}:${column}`, original), frame, caller);
  };
  // The minified function's name back to the source's, as Node's own mapping finds it: the name the map gives the
  // enclosing function's start, else the one it gives the caller's call of it.
  const renamed = (text: string, frame: NodeJS.CallSite, caller: NodeJS.CallSite | undefined): string => {
    const minified = frame.getFunctionName();
    if (!minified) return text;
    const name =
      nameAt(frame.getEnclosingLineNumber(), frame.getEnclosingColumnNumber()) ??
      (caller?.getFileName() === frame.getFileName()
        ? nameAt(caller?.getLineNumber(), caller?.getColumnNumber())
        : undefined);
    if (!name || name === minified) return text;
    for (const prefix of ['', 'async ', 'new ']) {
      if (text.startsWith(`${prefix}${minified} (`)) {
        return `${prefix}${name}${text.slice(prefix.length + minified.length)}`;
      }
    }
    return text;
  };
  const nameAt = (line: number | null | undefined, column: number | null | undefined): string | undefined => {
    if (!line || !column) return undefined;
    // Node's entries carry the map's `name` too, which @types/node leaves out.
    const entry = loadMap()?.findEntry(line - 1, column - 1) as { readonly name?: unknown } | undefined;
    return typeof entry?.name === 'string' && entry.name ? entry.name : undefined;
  };
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    let header: string;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = '<error>';
    }
    return `${header}${frames.map((frame, i) => `\n    at ${frameText(frame, frames[i + 1])}`).join('')}`;
  };
  return true;
}
