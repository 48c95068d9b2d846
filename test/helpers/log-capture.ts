// Collects what the logger writes, so tests can assert on log lines and on what never reaches them.
import { Writable } from 'node:stream';

export interface LogLine {
  level: string;
  msg?: string;
  event?: string;
  [field: string]: unknown;
}

export class LogCapture {
  private readonly chunks: string[] = [];

  readonly stream = new Writable({
    write: (chunk: Buffer | string, _encoding, done) => {
      this.chunks.push(chunk.toString());
      done();
    },
  });

  /** Everything written, as one string: for "this secret appears nowhere" checks. */
  get text(): string {
    return this.chunks.join('');
  }

  get lines(): LogLine[] {
    return this.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LogLine);
  }

  events(event: string): LogLine[] {
    return this.lines.filter((line) => line.event === event);
  }
}
