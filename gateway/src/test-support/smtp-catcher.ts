// A real SMTP server on a loopback port that keeps every message it receives (smtp-server from npm).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpCatcher {
  url: string;
  mails: { to: string[]; raw: string }[];
  /** The first one-time link (`…#invite=…` / `…#reset=…`) in the newest mail to `to`. */
  linkTo(to: string, purpose: 'invite' | 'reset'): string | undefined;
  close(): Promise<void>;
}

export async function startSmtpCatcher(): Promise<SmtpCatcher> {
  const mails: SmtpCatcher['mails'] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (raw += chunk));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    linkTo(to, purpose) {
      const mail = mails.filter((m) => m.to.includes(to)).at(-1);
      // Quoted-printable may wrap long lines with a soft break (=\r\n).
      const body = mail?.raw.replace(/=\r?\n/g, '').replaceAll('=3D', '=');
      return body?.match(new RegExp(`#${purpose}=([A-Za-z0-9_-]+)`))?.[1];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
