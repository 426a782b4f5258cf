import { z } from 'zod';
import { OPTIONS, type AnyOption, type Option } from './options/index.js';

/**
 * The Settings schema, derived from the options' specs: each option's `field` with its `schema`,
 * the legacy notification ones in one object, and the two fields no option fills (the registry
 * logins of the config file and the file's path).
 */

type Grouped = Extract<Option, { readonly group: string }>;
type TopLevel = Exclude<Option, Grouped>;
type TopShape = { [O in TopLevel as O['field']]: O['schema'] };
type LegacyShape = { [O in Grouped as O['field']]: O['schema'] };

/** `{ field: schema }` of `options`, as a z.object takes it. */
function shapeOf(options: readonly AnyOption[]): Record<string, z.ZodType> {
  return Object.fromEntries(options.map((option) => [option.field, option.schema]));
}

// The mapped types above say what the loops build: the one place the derivation is asserted.
const topShape = shapeOf(OPTIONS.filter((option) => option.group === undefined)) as TopShape;
const legacyShape = shapeOf(
  OPTIONS.filter((option) => option.group === 'legacyNotifications'),
) as LegacyShape;

/** A registry login from the config file (`registries:`), as the credential chain asks it. */
export const RegistryLogin = z
  .object({
    host: z.string().min(1),
    username: z.string().optional(),
    password: z.string().optional(),
    credHelper: z.string().optional(),
  })
  .strict();
export type RegistryLogin = z.infer<typeof RegistryLogin>;

/** The validated, frozen settings every part of Tidewatch reads. */
export const Settings = z
  .object({
    ...topShape,
    /** Watchtower's legacy notification variables, as given; src/notify/legacy.ts makes URLs of them. */
    legacyNotifications: z.object(legacyShape).strict(),
    /** Registry logins from the config file (`registries:`), asked before REPO_USER and config.json. */
    registries: z.array(RegistryLogin),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

/** The option that fills a Settings field, by the field's path (`stopTimeoutMs`, `legacyNotifications.emailFrom`). */
export function optionAt(path: readonly PropertyKey[]): AnyOption | undefined {
  const [first, second] = path;
  return OPTIONS.find((option: AnyOption) =>
    option.group === undefined ? option.field === first : option.group === first && option.field === second,
  );
}
