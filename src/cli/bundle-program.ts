import type { Command } from 'commander';
import { OPTIONS, type AnyOption } from '../config/index.js';
import type { BundleArgs } from './bundle-command.js';

type Run = (sub: Command, args: BundleArgs) => Promise<void>;

/** Makes a subcommand of `parent` with these options (program.ts's maker). */
export type CommandMaker = (
  name: string,
  description: string,
  options: readonly AnyOption[],
  parent: Command,
) => Command;

interface CreateFlags {
  output?: string;
  have?: string;
  since?: string;
  platform?: string;
  signKey?: string;
}

/** `bundle ...` (docs/offline.md): make bundles on the connected side, apply them on the far side. */
export function bundleCommands(
  program: Command,
  command: CommandMaker,
  run: Run,
  storeOptions: readonly AnyOption[],
): void {
  const bundle = program.command('bundle').description('Offline image bundles (see docs/offline.md)');
  const base = { json: false, refs: [] as string[] };
  command(
    'create',
    'Write a bundle of these images from their registries, leaving out what the far side holds',
    OPTIONS,
    bundle,
  )
    .argument('[refs...]', 'image references (default: the images --have says the far side runs)')
    .option('-o, --output <file>', 'the bundle file to write (required)')
    .option(
      '--have <file>',
      "the far side's `tidewatch bundle have`: leave out every blob and layer it holds",
    )
    .option('--since <file>', 'a bundle the far side applied: leave out every blob it listed')
    .option(
      '--platform <list>',
      'platforms to keep from multi-platform images, os/arch[/variant],… or all',
      'all',
    )
    .option('--sign-key <file>', 'sign with this Ed25519 private key (`tidewatch bundle keygen`)')
    .action((refs: string[], o: CreateFlags, sub: Command) =>
      run(sub, { ...base, action: 'create', refs, ...o }),
    );
  command(
    'apply',
    'Verify bundle files, load their images and update the containers on their tags',
    OPTIONS,
    bundle,
  )
    .argument('<files...>', 'bundle files, applied in this order')
    .action((files: string[], _o: unknown, sub: Command) =>
      run(sub, { ...base, action: 'apply', refs: files }),
    );
  command(
    'have',
    'Print what this host holds (blobs, layers, images it runs) for the next delta',
    OPTIONS,
    bundle,
  )
    .option('-o, --output <file>', 'write it to this file instead of stdout')
    .action((o: { output?: string }, sub: Command) =>
      run(sub, { ...base, action: 'have', output: o.output }),
    );
  command(
    'keygen',
    'Create an Ed25519 key pair: PREFIX.key signs bundles, PREFIX.pub checks them',
    [],
    bundle,
  )
    .option('-o, --output <prefix>', 'file name prefix', 'tidewatch-bundle')
    .action((o: { output?: string }, sub: Command) =>
      run(sub, { ...base, action: 'keygen', output: o.output }),
    );
  command('list', 'Bundles received: applied or refused, what each carried and updated', storeOptions, bundle)
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }, sub: Command) =>
      run(sub, { ...base, action: 'list', json: o.json === true }),
    );
}
