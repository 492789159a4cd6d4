// Mail for invitations and password resets: SMTP through nodemailer when SMTP_URL is set; otherwise the link
// is logged, so a first install works without a mail server (docs/people.md says who may read that log).
import nodemailer from 'nodemailer';
import type { Env } from '../config/env.js';
import type { Logger } from '../observability/logger.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** The one-time link inside `text`, logged instead when there is no transport. */
  link: string;
}

export interface Mailer {
  /** true when a transport is configured (links are then never shown or logged). */
  readonly configured: boolean;
  send(mail: Mail): Promise<void>;
}

export function createMailer(env: Env, logger: Logger): Mailer {
  if (!env.SMTP_URL) {
    return {
      configured: false,
      async send(mail) {
        logger.warn(
          { to: mail.to, subject: mail.subject, link: mail.link },
          'no SMTP_URL: one-time link logged, not mailed',
        );
      },
    };
  }
  const transport = nodemailer.createTransport(env.SMTP_URL);
  return {
    configured: true,
    async send(mail) {
      await transport.sendMail({ from: env.MAIL_FROM, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}
