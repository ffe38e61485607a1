/** IPC messages between the host and the query process (see query-process.ts). */
import type { SqlValue } from '../../contract/analysis.ts';

export interface QueryRequest {
  id: number;
  sql: string;
  params: SqlValue[];
  maxRows: number;
}

export type QueryFailureCode = 'query_refused' | 'query_failed' | 'too_many_rows';

export type QueryReply =
  | { id: number; ok: true; rows: Array<Record<string, SqlValue>> }
  /** `fatal`: the connection may have been touched (a refused statement was prepared); recycle the process. */
  | { id: number; ok: false; code: QueryFailureCode; message: string; fatal: boolean };
