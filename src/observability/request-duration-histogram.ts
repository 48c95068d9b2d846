// The request-duration histogram (by method, route pattern and status), observed once per request. prom-client's own
// Histogram validates and hashes the label values on every observation; here each label set keeps its counts behind
// one Map lookup, and the registry renders it as it renders prom-client's histograms (the same series and values).
import type { Metric, Registry } from 'prom-client';

interface Series {
  labels: { method: string; route: string; status: string };
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  counts: number[];
  sum: number;
  count: number;
}

interface ExportedValue {
  metricName: string;
  value: number;
  labels: Record<string, string | number>;
}

export interface RequestDurationHistogram {
  observe(method: string, route: string, status: number, seconds: number): void;
}

export function createRequestDurationHistogram(
  registry: Registry,
  options: { name: string; help: string; buckets: readonly number[] },
): RequestDurationHistogram {
  const { name, help } = options;
  const bounds = [...options.buckets].sort((a, b) => a - b);
  const series = new Map<string, Series>();

  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    collect: undefined,
    get() {
      const values: ExportedValue[] = [];
      for (const one of series.values()) {
        let cumulative = 0;
        bounds.forEach((bound, index) => {
          cumulative += one.counts[index] ?? 0;
          values.push(exported(`${name}_bucket`, cumulative, one.labels, { le: bound }));
        });
        values.push(exported(`${name}_bucket`, one.count, one.labels, { le: '+Inf' }));
        values.push(exported(`${name}_sum`, one.sum, one.labels));
        values.push(exported(`${name}_count`, one.count, one.labels));
      }
      return Promise.resolve({ name, help, type: 'histogram', aggregator: 'sum', values });
    },
    reset() {
      series.clear();
    },
  };
  // The registry needs only name, help, type, get() and reset(); its type admits prom-client's own classes only.
  registry.registerMetric(metric as unknown as Metric);

  return {
    observe(method, route, status, seconds) {
      const key = `${method} ${String(status)} ${route}`;
      let one = series.get(key);
      if (one === undefined) {
        one = {
          labels: { method, route, status: String(status) },
          counts: new Array<number>(bounds.length + 1).fill(0),
          sum: 0,
          count: 0,
        };
        series.set(key, one);
      }
      // A value on a bound counts in that bound's bucket (le: less than or equal).
      let index = 0;
      while (index < bounds.length && seconds > (bounds[index] as number)) index += 1;
      one.counts[index] = (one.counts[index] ?? 0) + 1;
      one.sum += seconds;
      one.count += 1;
    },
  };
}

function exported(
  metricName: string,
  value: number,
  labels: Series['labels'],
  bucket: { le: number | string } | Record<string, never> = {},
): ExportedValue {
  return { metricName, value, labels: { ...labels, ...bucket } };
}
