import { describeError } from '../../domain/errors.js';
import { badUrl } from '../target-url.js';
import { DeliveryError } from '../types.js';
import { userOf, type ChannelFactory } from './kit.js';

/**
 * E-mail through nodemailer: smtp://[USER:PASSWORD@]HOST[:PORT]/?fromAddress=..&toAddresses=a,b
 * Query (shoutrrr's): fromName, subject (else the title), auth (None, Plain, Login, CRAMMD5),
 * encryption (Auto, None, ExplicitTLS, ImplicitTLS), useStartTLS=no, clientHost, useHTML=yes,
 * insecureskipverify=yes (Watchtower's EMAIL_SERVER_TLS_SKIP_VERIFY). Auto: implicit TLS on 465,
 * otherwise STARTTLS when the server offers it. Certificates are verified unless told otherwise.
 */
const AUTH_METHODS: Readonly<Record<string, string | undefined>> = {
  plain: 'PLAIN',
  login: 'LOGIN',
  crammd5: 'CRAM-MD5',
  unknown: undefined,
};

interface SmtpError {
  readonly code?: string;
  readonly responseCode?: number;
}

export const createSmtpChannel: ChannelFactory = (url, query, options, label) => {
  const from = query.get('fromaddress', 'from');
  const to = query.list('toaddresses', 'to');
  if (url.hostname === '' || from === undefined || to.length === 0)
    throw badUrl(label, 'expected smtp://[USER:PASSWORD@]HOST[:PORT]/?fromAddress=..&toAddresses=..');
  const { user, password } = userOf(url);
  options.secrets.add(password);
  const port = url.port === '' ? 25 : Number(url.port);
  const encryption = (query.get('encryption') ?? 'auto').toLowerCase();
  const auth = (query.get('auth') ?? 'unknown').toLowerCase();
  const startTls = query.flag('usestarttls') !== false;
  const html = query.flag('usehtml') === true;
  const fromName = query.get('fromname') ?? 'Tidewatch';
  const subject = query.get('subject');
  const clientHost = query.get('clienthost');

  return {
    receivesState: false,
    async send(payload, { signal }) {
      // Loaded on first use: nodemailer is about 13 MB resident, and most hosts send no e-mail.
      const { default: nodemailer } = await import('nodemailer');
      const transport = nodemailer.createTransport({
        host: url.hostname,
        port,
        secure: encryption === 'implicittls' || (encryption === 'auto' && port === 465),
        ignoreTLS: encryption === 'none' || (encryption === 'auto' && !startTls),
        requireTLS: encryption === 'explicittls',
        ...(user !== '' && auth !== 'none'
          ? {
              auth: { user, pass: password },
              ...(AUTH_METHODS[auth] ? { authMethod: AUTH_METHODS[auth] } : {}),
            }
          : {}),
        ...(clientHost !== undefined ? { name: clientHost } : {}),
        tls: { rejectUnauthorized: query.flag('insecureskipverify') !== true },
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      });
      // nodemailer takes no AbortSignal: closing the transport ends the attempt at the timeout.
      const onAbort = (): void => transport.close();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const message = {
          from: { name: fromName, address: from },
          to,
          subject: subject ?? payload.title ?? payload.body.split('\n')[0] ?? 'Tidewatch',
          ...(html ? { html: payload.body } : { text: payload.body }),
        };
        const info = (await transport.sendMail(message)) as { response?: string };
        return { status: info.response ?? 'accepted' };
      } catch (error) {
        const { code, responseCode } = error as SmtpError;
        const reason = signal.aborted ? 'timed out' : describeError(error);
        // A 5xx answer or bad credentials will not get better by retrying the same message.
        const permanent = code === 'EAUTH' || (responseCode !== undefined && responseCode >= 500);
        throw new DeliveryError(`${url.hostname}:${port}: ${reason}`, { permanent, cause: error });
      } finally {
        signal.removeEventListener('abort', onAbort);
        transport.close();
      }
    },
  };
};
