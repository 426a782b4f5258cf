import { hostname } from 'node:os';
import { z } from 'zod';
import { parsePromotionRules } from '../promotion.js';
import { MINUTE_MS, fromList, option } from './spec.js';

/** Fleets (docs/fleet.md): a controller (`--fleet`), or a member dialling one (`--controller`). */
export const FLEET_OPTIONS = [
  option({
    key: 'fleet',
    flag: 'fleet',
    env: ['TIDEWATCH_FLEET'],
    kind: 'boolean',
    description:
      'Be a fleet controller: members connect to this API with tokens from `tidewatch fleet token create`, and digests roll out to them in waves',
    field: 'fleet',
    schema: z.boolean(),
    default: false,
  }),
  option({
    key: 'waveSoak',
    flag: 'wave-soak',
    env: ['TIDEWATCH_WAVE_SOAK'],
    kind: 'duration',
    allowZero: true,
    valueName: 'duration',
    description:
      'Controller: how long a digest must run in a wave after its last member committed before the next wave gets it',
    field: 'waveSoakMs',
    schema: z.number().int().nonnegative(),
    default: 10 * MINUTE_MS,
  }),
  option({
    key: 'waveTimeout',
    flag: 'wave-timeout',
    env: ['TIDEWATCH_WAVE_TIMEOUT'],
    kind: 'duration',
    valueName: 'duration',
    description:
      'Controller: how long an offline member holds its wave; then it is skipped, and gets the digest when it comes back',
    field: 'waveTimeoutMs',
    schema: z.number().int().positive(),
    default: 30 * MINUTE_MS,
  }),
  option({
    key: 'promote',
    flag: 'promote',
    env: ['TIDEWATCH_PROMOTE'],
    kind: 'list',
    split: 'whitespace',
    valueName: 'FROM=TO[@WAVE]',
    description:
      'Controller: once a digest of FROM passed wave WAVE (all waves when absent), copy it to the reference TO (another tag, repository or registry)',
    field: 'promote',
    schema: z.array(
      z.strictObject({
        from: z.string(),
        to: z.string(),
        afterWave: z.number().int().nonnegative().nullable(),
      }),
    ),
    read: fromList(parsePromotionRules),
    show: (rules) =>
      rules.map((rule) => `${rule.from}=${rule.to}${rule.afterWave === null ? '' : `@${rule.afterWave}`}`),
    default: [],
  }),
  option({
    key: 'controller',
    flag: 'controller',
    env: ['TIDEWATCH_CONTROLLER'],
    kind: 'string',
    valueName: 'url',
    description:
      "Be a fleet member: dial this controller's API (https:// in production), take digests from it and ask no registry",
    field: 'controller',
    schema: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
  }),
  option({
    key: 'controllerToken',
    flag: 'controller-token',
    env: ['TIDEWATCH_CONTROLLER_TOKEN'],
    kind: 'string',
    valueName: 'token',
    description: "Member: this member's token, from `tidewatch fleet token create NAME` on the controller",
    field: 'controllerToken',
    schema: z.string().min(1).optional(),
    secret: true,
  }),
  option({
    key: 'controllerCa',
    flag: 'controller-ca',
    env: ['TIDEWATCH_CONTROLLER_CA'],
    kind: 'string',
    valueName: 'file',
    description: "Member: PEM file of the CA that signed the controller's certificate",
    field: 'controllerCa',
    schema: z.string().optional(),
    defaultText: "the system's CAs",
  }),
  option({
    key: 'memberName',
    flag: 'member-name',
    env: ['TIDEWATCH_MEMBER_NAME'],
    kind: 'string',
    valueName: 'name',
    description: "Member: its name in the fleet (the token's)",
    field: 'memberName',
    schema: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
        'a member name is 1-63 letters, digits, dots, dashes, underscores',
      ),
    defaultAt: () => hostname().split('.')[0] ?? 'member',
    defaultText: 'the host name',
  }),
  option({
    key: 'wave',
    flag: 'wave',
    env: ['TIDEWATCH_WAVE'],
    kind: 'integer',
    allowZero: true,
    valueName: 'n',
    description: 'Member: its wave; wave 0 are the canaries, which get a new digest first',
    field: 'wave',
    schema: z.number().int().min(0).max(1000),
    default: 1,
  }),
] as const;
