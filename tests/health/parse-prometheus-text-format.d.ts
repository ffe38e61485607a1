// parse-prometheus-text-format ships no types; only what the /metrics tests read is declared.
declare module 'parse-prometheus-text-format' {
  export interface ParsedMetric {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: Array<{ value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string; sum?: string }>;
  }
  /** Throws InvalidLineError on a line that is not valid Prometheus text format. */
  export default function parsePrometheusTextFormat(text: string): ParsedMetric[];
}
