import { httpSend, receipt } from '../http.js';
import { badUrl, pathSegments } from '../target-url.js';
import type { ContainerFacts, Payload } from '../types.js';
import { colorFor, escapeHtml, truncate, userOf, type ChannelFactory } from './kit.js';

/**
 * Microsoft Teams.
 *   teams://GROUP@TENANT/ALT_ID/GROUP_OWNER/EXTRA_ID?host=ORG.webhook.office.com   connector webhook
 *   teams://A/B/C                                          shoutrrr's oldest form (outlook.office.com)
 *   teams+https://prod-00.westus.logic.azure.com/workflows/...?...&sig=...   Workflows (Power Automate)
 * Connector webhooks get a MessageCard; Workflows, which replace them, an Adaptive Card.
 * Query (connector): host, color, facts=yes (the containers' fields as facts).
 */
function facts(containers: readonly ContainerFacts[]): Array<{ name: string; value: string }> {
  return containers.flatMap((item) =>
    [
      ['Container', item.container],
      ['Image', item.image],
      ['From', item.fromShort],
      ['To', item.toShort],
      ['Reason', item.reason],
    ]
      .filter((pair): pair is [string, string] => pair[1] !== undefined)
      .map(([name, value]) => ({ name, value })),
  );
}

export function messageCard(payload: Payload, color: string, withFacts: boolean): Record<string, unknown> {
  const title = payload.title !== undefined && payload.title !== '' ? payload.title : undefined;
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    summary: title ?? truncate(payload.body.split('\n')[0] ?? '', 100),
    themeColor: color.replace(/^#/, ''),
    ...(title !== undefined ? { title } : {}),
    // MessageCard text is Markdown with HTML line breaks; escaped so a log line cannot inject markup.
    text: escapeHtml(truncate(payload.body, 20_000)).split('\n').join('<br>'),
    ...(withFacts && payload.containers.length > 0
      ? { sections: [{ facts: facts(payload.containers) }] }
      : {}),
  };
}

export function adaptiveCard(payload: Payload): Record<string, unknown> {
  const title = payload.title !== undefined && payload.title !== '' ? payload.title : undefined;
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            ...(title !== undefined
              ? [{ type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true }]
              : []),
            { type: 'TextBlock', text: truncate(payload.body, 20_000), wrap: true },
          ],
        },
      },
    ],
  };
}

/** The connector URL of a teams:// URL. */
function connectorUrl(
  url: URL,
  host: string | undefined,
  label: string,
  apiBase: string | undefined,
): { url: string; secrets: string[] } {
  const { user: group } = userOf(url);
  const path = pathSegments(url);
  const origin = (apiBase ?? `https://${host ?? 'outlook.office.com'}`).replace(/\/+$/, '');
  if (group === '' && path.length === 2) {
    // teams://A/B/C: the first connector format, on outlook.office.com.
    const parts = [url.hostname, ...path];
    return { url: `${origin}/webhook/${parts[0]}/IncomingWebhook/${parts[1]}/${parts[2]}`, secrets: parts };
  }
  if (group === '' || path.length < 3) {
    throw badUrl(
      label,
      'expected teams://GROUP@TENANT/ALT_ID/GROUP_OWNER/EXTRA_ID?host=ORG.webhook.office.com',
    );
  }
  const parts = [group, url.hostname, ...path.slice(0, 3)];
  const [g, tenant, altId, owner, extra] = parts;
  return {
    url: `${origin}/webhookb2/${g}@${tenant}/IncomingWebhook/${altId}/${owner}/${extra}`,
    secrets: parts,
  };
}

export const createTeamsChannel: ChannelFactory = (url, query, options, label) => {
  const workflows = url.protocol === 'teams+https:' || url.protocol === 'teams+http:';
  let target: string;
  if (workflows) {
    // The Workflows URL itself, query and all: its `sig` is the secret.
    const real = new URL(url.href.replace(/^teams\+/, ''));
    for (const name of [...real.searchParams.keys()])
      if (name.toLowerCase() === 'tidewatch_template') real.searchParams.delete(name);
    options.secrets.add(real.searchParams.get('sig'));
    target = real.href;
  } else {
    const connector = connectorUrl(url, query.get('host'), label, options.apiBase);
    options.secrets.add(...connector.secrets);
    target = connector.url;
  }
  const withFacts = query.flag('facts') === true;

  return {
    receivesState: false,
    async send(payload, { signal }) {
      const json = workflows
        ? adaptiveCard(payload)
        : messageCard(payload, query.get('color') ?? colorFor(payload.level), withFacts);
      return receipt(await httpSend({ url: target, json, signal }));
    },
  };
};
