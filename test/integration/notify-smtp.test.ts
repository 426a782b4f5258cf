import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/index.js';
import { Secrets, buildTarget, type Payload } from '../../src/notify/index.js';
import { selfSignedCertificate, startSmtpReceiver, type SmtpReceiver } from '../support/receivers.js';

/** smtp:// delivered by nodemailer to a real SMTP server (smtp-server) on loopback. */
const payload: Payload = {
  event: 'rolled-back',
  level: 'warn',
  title: '[prod] Tidewatch updates on host1',
  body: 'web (nginx:latest): the update to bbbbbbbbbbbb was rolled back; aaaaaaaaaaaa runs again.\nReason: it exited with code 3',
  host: 'host1',
  time: Date.UTC(2025, 0, 2),
  containers: [],
};

function send(url: string): Promise<{ status: string }> {
  const target = buildTarget(url, 0, { logger: silentLogger(), secrets: new Secrets() });
  return target.channel.send(payload, { signal: AbortSignal.timeout(15_000), messageId: 1 });
}

describe('smtp notifications', () => {
  let plain: SmtpReceiver;
  let starttls: SmtpReceiver;
  beforeAll(async () => {
    plain = await startSmtpReceiver({ users: { tw: 'pa55word' } });
    starttls = await startSmtpReceiver({ tls: selfSignedCertificate() });
  });
  afterAll(async () => {
    await plain.close();
    await starttls.close();
  });

  it('logs in and delivers the mail: sender, every recipient, the title as subject, the body', async () => {
    const receipt = await send(
      `smtp://tw:pa55word@127.0.0.1:${plain.port}/?fromAddress=tidewatch@example.org&toAddresses=ops@example.org,dev@example.org&auth=Plain`,
    );
    expect(receipt.status).toMatch(/^250 /);
    const [mail] = await plain.waitFor(1);
    expect(mail).toMatchObject({
      from: 'tidewatch@example.org',
      to: ['ops@example.org', 'dev@example.org'],
      user: 'tw',
      subject: '[prod] Tidewatch updates on host1',
    });
    expect(mail?.raw).toMatch(/^From: Tidewatch <tidewatch@example\.org>/m);
    expect(mail?.text.trim()).toBe(payload.body);
  });

  it('wrong credentials are a permanent failure', async () => {
    await expect(
      send(`smtp://tw:wrong@127.0.0.1:${plain.port}/?fromAddress=t@example.org&toAddresses=o@example.org`),
    ).rejects.toMatchObject({ permanent: true });
  });

  it('STARTTLS: the certificate is verified, unless insecureskipverify=yes', async () => {
    const url = `smtp://127.0.0.1:${starttls.port}/?fromAddress=t@example.org&toAddresses=o@example.org`;
    await expect(send(url)).rejects.toThrow(/certificate/i);
    await send(`${url}&insecureskipverify=yes`);
    const [mail] = await starttls.waitFor(1);
    expect(mail).toMatchObject({ secure: true, to: ['o@example.org'], subject: payload.title });
  });
});
