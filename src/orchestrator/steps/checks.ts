/**
 * Checks on a model's answer that cost nothing and come before any further call: a decision that
 * contradicts its own code (a tweak without edits, a module that is not the kind the decision names, a
 * "change" that changes nothing) and an answer that asks for credentials. The first kind goes back to
 * the generator as a repair; the second ends the night's attempt (nothing in the shell hands keys out).
 */
import { SECRET_ENV } from '../../config/schema.ts';
import type { ModuleTarget } from '../decisions.ts';
import type { GenerationAnswer } from '../prompts/answers.ts';

const CREDENTIAL_WORDS = /\b(api[ _-]?keys?|secret keys?|private keys?|credentials?|passwords?|bot tokens?|auth(?:entication)? tokens?)\b/i;
const SECRET_NAMES = new RegExp(`\\b(${Object.values(SECRET_ENV).join('|')})\\b`);

/** Why `text` reads as a request for credentials, or null. */
export function asksForSecrets(text: string): string | null {
  const m = SECRET_NAMES.exec(text) ?? CREDENTIAL_WORDS.exec(text);
  return m ? `the answer asks for credentials ("${m[0]}"); keys exist only in the shell's environment and are never handed to a model` : null;
}

/** Why the generated answer contradicts the decision it was written for, or null. */
export function contradiction(decision: string, target: ModuleTarget, g: GenerationAnswer): string | null {
  if (target.form === 'edits') {
    if (g.edits.length === 0) return `decision ${decision} is a targeted edit, but the answer has no search/replace blocks`;
    if (g.source !== null && g.source.trim() !== '')
      return `decision ${decision} is a targeted edit, but the answer returns a whole module instead of search/replace blocks`;
    return null;
  }
  if (g.source === null || g.source.trim() === '') return `decision ${decision} needs the whole module, but the answer has no source`;
  if (g.edits.length > 0) return `decision ${decision} needs the whole module, but the answer returns search/replace blocks`;
  return null;
}

/** Why the resulting module is not what the decision says it changes, or null. */
export function moduleMismatch(decision: string, target: ModuleTarget, source: string, parentSource: string | null): string | null {
  if (parentSource !== null && source === parentSource)
    return `decision ${decision} says the module changes, but the resulting source is identical to its parent`;
  const isStrategy = /\bonBar\s*\(/.test(source);
  const isStatistics = /\banalyze\s*\(/.test(source) && /\bqueries\b/.test(source);
  if (target.kind === 'strategy' && !isStrategy) return `decision ${decision} changes the strategy, but the module has no onBar: it is not a strategy`;
  if (target.kind === 'statistics' && (!isStatistics || isStrategy))
    return `decision ${decision} changes the ${target.name} statistics module, but the code is not a statistics module (meta.queries and analyze)`;
  return null;
}
