/** HTML building blocks of the report: every text goes through `escapeHtml`. */

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function paragraph(text: string, cls?: string): string {
  return `<p${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</p>`;
}

/** A pass/fail mark with its reason: `ok` green, `fail` red, `info` grey (a measurement, no threshold). */
export function verdict(kind: 'ok' | 'fail' | 'info', label: string, why: string): string {
  return `<p class="verdict ${kind}"><strong>${escapeHtml(label)}</strong> — ${escapeHtml(why)}</p>`;
}
