import type { ServerResponse } from 'node:http';
import type { RequestContext } from '../messages-handler';
import type { ResultLine } from './batch-store';

/**
 * Streams a results file as JSONL, respecting backpressure. With `breakHalfWay` the socket is
 * destroyed once half the lines are out (chunked, so the client sees a truncated body, not an end):
 * what a download that dies mid-file looks like to the SDK's single-use decoder.
 */
const LINES_PER_CHUNK = 200;

export async function writeResults(
  res: ServerResponse,
  lines: readonly ResultLine[],
  ctx: RequestContext,
  breakHalfWay: boolean,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/binary', 'request-id': ctx.requestId });
  const stopAt = breakHalfWay ? Math.floor(lines.length / 2) : lines.length;
  for (let i = 0; i < stopAt && !ctx.signal.aborted; i += LINES_PER_CHUNK) {
    const chunk = lines
      .slice(i, Math.min(stopAt, i + LINES_PER_CHUNK))
      .map((l) => `${JSON.stringify(l)}\n`)
      .join('');
    await write(res, chunk);
  }
  if (ctx.signal.aborted) return;
  if (breakHalfWay) {
    ctx.reset();
    return;
  }
  res.end();
}

function write(res: ServerResponse, chunk: string): Promise<void> {
  return new Promise((resolve) => {
    // the callback runs once the chunk is handed to the socket: what was written before a break arrives
    res.write(chunk, () => resolve());
  });
}
