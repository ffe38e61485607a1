/** The zod guards of the names in pairs.ts: a pair or a timeframe arriving from config, a file or the command line. */
import { z } from 'zod';
import { PAIRS, TIMEFRAMES } from './pairs.ts';

export const PairSchema = z.enum(PAIRS);
export const TimeframeSchema = z.enum(TIMEFRAMES);
