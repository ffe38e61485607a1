/** dist/brain.mjs under `root` (a folder URL) when the compiled build is current, else null (current.mjs). */
export function currentBundle(root: URL, env?: Record<string, string | undefined>): URL | null;
