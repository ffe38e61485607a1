/** Value shapes several config sections share: fractions, retention in days, cron expressions, endpoint URLs. */
import { CronPattern } from 'croner';
import { z } from 'zod';

export const fraction = (max: number) => z.number().finite().min(0).max(max);
export const days = z.number().int().min(1).max(36_500);
export const retention = (d: number | 'forever') => z.union([days, z.literal('forever')]).default(d);

export const cron = z.string().refine((expr) => {
  try {
    new CronPattern(expr, 'UTC');
    return true;
  } catch {
    return false;
  }
}, 'must be a cron expression of 5 or 6 fields, e.g. "0 3 * * *"');

/** https/wss, or plain http/ws only to this machine (a `brain sim` started apart): API keys never cross a network in clear. */
export const endpoint = (schemes: [secure: string, loopback: string], fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((text) => {
      try {
        const u = new URL(text);
        return u.protocol === `${schemes[0]}:` || (u.protocol === `${schemes[1]}:` && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname));
      } catch {
        return false;
      }
    }, `must be a ${schemes[0]}:// URL, or ${schemes[1]}://127.0.0.1:PORT for a local simulator`);
