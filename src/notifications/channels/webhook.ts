import { Agent, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { DeliveryRow, EndpointRow } from '../../persistence/notification-store';
import { signWebhook, WEBHOOK_HEADERS } from '../signature';
import type { Channel } from './channel';

/**
 * Webhooks: a signed JSON POST per message. Keep-alive agents reuse connections (a receiver on the same
 * host takes thousands a second); a 2xx within `timeoutMs` is the confirmation.
 */
export class WebhookChannel implements Channel {
  readonly name = 'webhook' as const;
  readonly #http = new Agent({ keepAlive: true, maxSockets: 64 });
  readonly #https = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

  constructor(private readonly options: { timeoutMs?: number; nowSeconds?: () => number } = {}) {}

  send(delivery: DeliveryRow, endpoint: EndpointRow | null): Promise<void> {
    if (!endpoint) return Promise.reject(new Error(`endpoint ${delivery.target} no longer exists`));
    const body = JSON.stringify(delivery.payload);
    const timestamp = this.options.nowSeconds?.() ?? Math.floor(Date.now() / 1000);
    const url = new URL(endpoint.url);
    const secure = url.protocol === 'https:';
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'user-agent': 'zhengzhi-webhook/1',
      [WEBHOOK_HEADERS.id]: delivery.messageId,
      [WEBHOOK_HEADERS.timestamp]: timestamp,
    };
    if (endpoint.secret) headers[WEBHOOK_HEADERS.signature] = signWebhook(endpoint.secret, timestamp, body);
    return new Promise((resolve, reject) => {
      const req = (secure ? httpsRequest : request)(
        url,
        {
          method: 'POST',
          headers,
          agent: secure ? this.#https : this.#http,
          timeout: this.options.timeoutMs ?? 10_000,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else reject(new Error(`HTTP ${status} from ${url.origin}${url.pathname}`));
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer from ${url.origin} within the timeout`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  async close(): Promise<void> {
    this.#http.destroy();
    this.#https.destroy();
  }
}
