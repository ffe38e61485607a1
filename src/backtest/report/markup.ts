/** HTML building blocks of the report: every text goes through `escape`. */

export const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = header.map((h) => `<th>${escape(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function paragraph(text: string, cls?: string): string {
  return `<p${cls ? ` class="${cls}"` : ''}>${escape(text)}</p>`;
}

/** A pass/fail mark with its reason: `ok` green, `fail` red, `info` grey (a measurement, no threshold). */
export function verdict(kind: 'ok' | 'fail' | 'info', label: string, why: string): string {
  return `<p class="verdict ${kind}"><strong>${escape(label)}</strong> — ${escape(why)}</p>`;
}
