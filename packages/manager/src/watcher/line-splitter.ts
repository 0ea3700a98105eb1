const newline = 0x0a;

/**
 * Splits a byte stream into newline-delimited lines, without web streams or a streaming text decoder: a line is
 * decoded only once complete, and `\n` (0x0A) never occurs inside a multi-byte UTF-8 sequence, so a character split
 * across two chunks is whole by then. A long line costs one concatenation of its chunks, not one per chunk.
 * Lines are trimmed; blank lines are dropped.
 */
export class LineSplitter {
  #pending: Buffer[] = [];

  /** The complete lines `chunk` ends; the rest is kept for the next chunk. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    let index = chunk.indexOf(newline, start);
    while (index >= 0) {
      let line: string;
      if (this.#pending.length === 0) {
        line = chunk.toString('utf8', start, index);
      } else {
        this.#pending.push(chunk.subarray(start, index));
        line = Buffer.concat(this.#pending).toString('utf8');
        this.#pending = [];
      }
      const trimmed = line.trim();
      if (trimmed !== '') lines.push(trimmed);
      start = index + 1;
      index = chunk.indexOf(newline, start);
    }
    if (start < chunk.length) this.#pending.push(chunk.subarray(start));
    return lines;
  }

  /** The last line, when the stream ended without a newline after it. */
  end(): string | undefined {
    if (this.#pending.length === 0) return undefined;
    const rest = Buffer.concat(this.#pending).toString('utf8').trim();
    this.#pending = [];
    return rest === '' ? undefined : rest;
  }
}
