import { Worker } from 'node:worker_threads';

/** What the receiver saw of one delivered event. */
export interface Received {
  readonly kind: string;
  readonly messageId: string | undefined;
  /** The event carries no decode error (`"error":null`). */
  readonly ok: boolean;
  /** The path posted to (one per webhook). */
  readonly path: string;
  /** Date.now() when the request arrived. */
  readonly at: number;
}

/**
 * A webhook receiver on 127.0.0.1 in a thread of its own, as an application's endpoint would be: it
 * answers every POST with 204 once the body is read, and reports each event's kind, the path (the
 * `X-Satiot-Event` header) and message id, whether it carries a decode error, with its arrival time, in batches, to
 * `onReceived`.
 */
export class WebhookReceiver {
  private constructor(
    private readonly worker: Worker,
    readonly url: string,
  ) {}

  static async start(onReceived: (batch: readonly Received[]) => void): Promise<WebhookReceiver> {
    const worker = new Worker(RECEIVER_SOURCE, { eval: true });
    worker.unref();
    const url = await new Promise<string>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (m: { url: string }) => resolve(m.url));
    });
    worker.on('message', (m: { lines?: string }) => {
      if (m.lines !== undefined) onReceived(parseLines(m.lines));
    });
    return new WebhookReceiver(worker, url);
  }

  /** Asks for what arrived since the last report; resolves once it was handed to onReceived. */
  flush(): Promise<void> {
    return new Promise((resolve) => {
      const onMessage = (m: { flushed?: boolean }): void => {
        if (m.flushed) {
          this.worker.off('message', onMessage);
          resolve();
        }
      };
      this.worker.on('message', onMessage);
      this.worker.postMessage('flush');
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * The worker's report: one line per request, `kind ok at path messageId` (one string: cheap to pass between threads).
 */
function parseLines(lines: string): Received[] {
  return lines
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [kind, ok, at, path, messageId] = l.split(' ');
      return { kind: kind!, ok: ok === '1', at: Number(at), path: path!, messageId: messageId || undefined };
    });
}

// Plain JavaScript (a worker evaluated from source needs no build step of its own).
const RECEIVER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
let lines = '';
const report = () => { if (lines) { parentPort.postMessage({ lines }); lines = ''; } };
const server = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const m = /"messageId":"([^"]+)"/.exec(body);
    lines += String(req.headers['x-satiot-event'] ?? '-') + (body.includes('"error":null') ? ' 1 ' : ' 0 ') + Date.now() + ' ' + req.url + ' ' + (m ? m[1] : '') + '\\n';
    res.statusCode = 204;
    res.end();
  });
});
setInterval(report, 50);
parentPort.on('message', (m) => { if (m === 'flush') { report(); parentPort.postMessage({ flushed: true }); } });
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ url: 'http://127.0.0.1:' + server.address().port + '/satiot' }));
`;
