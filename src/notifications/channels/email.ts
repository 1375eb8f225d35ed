import { createRequire } from 'node:module';
import type Nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { DeliveryRow } from '../../persistence/notification-store';
import type { Channel } from './channel';

export interface EmailSettings {
  /** smtp://user:pass@host:port or smtps://… (nodemailer's connection URL). */
  url: string;
  from: string;
}

/** E-mail over SMTP with nodemailer (a pooled connection). The message id is the notification's id. */
export class EmailChannel implements Channel {
  readonly name = 'email' as const;
  readonly #transport: Transporter;
  readonly #from: string;

  constructor(settings: EmailSettings) {
    // Loaded here, not at start-up: a server without SMTP settings never needs it.
    const nodemailer = createRequire(__filename)('nodemailer') as typeof Nodemailer;
    this.#transport = nodemailer.createTransport(settings.url, { pool: true, maxConnections: 4 } as never);
    this.#from = settings.from;
  }

  async send(delivery: DeliveryRow): Promise<void> {
    const payload = delivery.payload as { to: string; subject: string; text: string; kind: string };
    await this.#transport.sendMail({
      from: this.#from,
      to: payload.to,
      subject: payload.subject,
      text: payload.text,
      messageId: `<${delivery.messageId}@zhengzhi>`,
      headers: { 'X-Zhengzhi-Message-Id': delivery.messageId, 'X-Zhengzhi-Kind': payload.kind },
    });
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}

/** The e-mail settings from the environment (`ZHENGZHI_SMTP_URL`, `ZHENGZHI_MAIL_FROM`), or null. */
export function emailSettingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): EmailSettings | null {
  if (!env.ZHENGZHI_SMTP_URL) return null;
  return { url: env.ZHENGZHI_SMTP_URL, from: env.ZHENGZHI_MAIL_FROM ?? 'zhengzhi@localhost' };
}
