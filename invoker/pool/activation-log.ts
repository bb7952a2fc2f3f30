// The log lines of one activation, kept the way OpenWhisk stores them
// (`<ISO time> stdout: line`) and cut at the action's log limit with OpenWhisk's notice.
import { MESSAGES } from './activation-outcome.js';

/**
 * Collects lines up to `limit` bytes of message text. Contract: a limit of 0 collects nothing
 * (OpenWhisk skips collection); once a line does not fit, no later line is kept and lines()
 * ends with the truncation notice.
 */
export class ActivationLog {
  private readonly kept: string[] = [];
  private bytes = 0;
  private truncated = false;

  /** `onLine`: told each line as it is kept, in order (a sandbox streams them to its supervisor). */
  constructor(
    readonly limit: number,
    private readonly onLine?: (line: string) => void,
  ) {}

  private keep(line: string): void {
    this.kept.push(line);
    this.onLine?.(line);
  }

  add(stream: 'stdout' | 'stderr', time: string, text: string): void {
    if (this.limit <= 0 || this.truncated) return;
    const size = Buffer.byteLength(text);
    if (this.bytes + size > this.limit) {
      this.truncated = true;
      return;
    }
    this.bytes += size;
    this.keep(`${time} ${stream}: ${text}`);
  }

  /** The guest stopped sending because its busy period exceeded the limit. */
  markTruncated(): void {
    if (this.limit > 0) this.truncated = true;
  }

  /** A line written by the platform itself (e.g. why the activation was stopped). */
  note(text: string): void {
    if (this.limit > 0) this.keep(`${new Date().toISOString()} stderr: ${text}`);
  }

  lines(): string[] {
    return this.truncated ? [...this.kept, `${new Date().toISOString()} stderr: ${MESSAGES.logsTruncated(this.limit)}`] : [...this.kept];
  }
}
