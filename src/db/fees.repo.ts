/** Per-pair fee rates: from the venue (TradeVolume) when known, else the configured fallback. */
import { FeeRatesSchema, type FeeRates, type Pair } from '../contract/index.ts';
import type { Db } from './connection.ts';
import { validated } from './rows.ts';

export type FeeSource = 'venue' | 'config';

export interface FeeScheduleEntry {
  pair: Pair;
  rates: FeeRates;
  source: FeeSource;
  updatedAt: number;
}

export interface FeesRepo {
  /** Inserts or replaces the pair's rates. */
  save(entry: FeeScheduleEntry): void;
  get(pair: Pair): FeeScheduleEntry | undefined;
  all(): FeeScheduleEntry[];
}

type FeeRow = { pair: Pair; maker: number; taker: number; source: FeeSource; updated_at: number };

function fromRow(r: FeeRow): FeeScheduleEntry {
  const rates = validated(FeeRatesSchema, { maker: r.maker, taker: r.taker }, `fee_schedule row ${r.pair}`);
  return { pair: r.pair, rates, source: r.source, updatedAt: r.updated_at };
}

export function feesRepo(db: Db): FeesRepo {
  const save = db.prepare('INSERT OR REPLACE INTO fee_schedule (pair, maker, taker, source, updated_at) VALUES (?, ?, ?, ?, ?)');
  const selectOne = db.prepare('SELECT * FROM fee_schedule WHERE pair = ?');
  const selectAll = db.prepare('SELECT * FROM fee_schedule ORDER BY pair');

  return {
    save: (e) => void save.run([e.pair, e.rates.maker, e.rates.taker, e.source, e.updatedAt]),
    get: (pair) => {
      const row = selectOne.get<FeeRow>([pair]);
      return row && fromRow(row);
    },
    all: () => selectAll.all<FeeRow>().map(fromRow),
  };
}
