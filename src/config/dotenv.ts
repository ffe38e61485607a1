/**
 * A small `.env` reader: KEY=VALUE lines, optional `export `, `#` comments, single or double quotes
 * (double quotes understand \n, \" and \\). Multi-line values are not supported. Bad lines are
 * reported by number only, because a .env line may hold a secret.
 */
export interface DotenvResult {
  vars: Record<string, string>;
  badLines: number[];
}

const LINE = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

function unquote(rest: string): string | undefined {
  const q = rest[0];
  if (q === '"' || q === "'") {
    const end = q === '"' ? closingDoubleQuote(rest) : rest.indexOf("'", 1);
    if (end < 0 || !/^\s*(#.*)?$/.test(rest.slice(end + 1))) return undefined;
    const body = rest.slice(1, end);
    return q === '"' ? body.replace(/\\(.)/g, (m, c: string) => ESCAPES[c] ?? m) : body;
  }
  return rest.replace(/\s+#.*$/, '').trim();
}

function closingDoubleQuote(s: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}

export function parseDotenv(text: string): DotenvResult {
  const vars: Record<string, string> = {};
  const badLines: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const m = LINE.exec(trimmed);
    const value = m ? unquote(m[2]!) : undefined;
    if (!m || value === undefined) badLines.push(i + 1);
    else vars[m[1]!] = value;
  });
  return { vars, badLines };
}
