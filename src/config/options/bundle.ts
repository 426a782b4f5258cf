import { z } from 'zod';
import { option } from './spec.js';

/** Offline delivery (docs/offline.md): bundles applied from a directory, checked against keys. */
export const BUNDLE_OPTIONS = [
  option({
    key: 'inbox',
    flag: 'inbox',
    env: ['TIDEWATCH_INBOX'],
    kind: 'string',
    valueName: 'dir',
    description:
      'Apply every bundle file dropped into this directory (a USB stick, an rsync target); processed files move to DIR/applied or DIR/rejected',
    field: 'inbox',
    schema: z.string().min(1).optional(),
  }),
  option({
    key: 'bundleKey',
    flag: 'bundle-key',
    env: ['TIDEWATCH_BUNDLE_KEY'],
    kind: 'list',
    valueName: 'files',
    description:
      'PEM Ed25519 public keys a bundle must be signed with (comma or space separated); with none, bundles are not checked for a signature',
    field: 'bundleKeys',
    schema: z.array(z.string()),
    default: [],
  }),
  option({
    key: 'bundleTargetRegistry',
    flag: 'bundle-target-registry',
    env: ['TIDEWATCH_BUNDLE_TARGET_REGISTRY'],
    kind: 'string',
    valueName: 'host[:port]',
    description:
      "Push a bundle's images into this registry (same repository and tag) instead of loading them into the engine",
    field: 'bundleTargetRegistry',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, 'expected a registry host, with a port if it has one')
      .optional(),
  }),
] as const;
