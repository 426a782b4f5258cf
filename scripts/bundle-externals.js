// What scripts/bundle.js leaves outside dist/bundle/tidewatch.js, and so what the container image
// must still carry in node_modules (scripts/runtime-modules.js copies exactly these).
//
// LOADED: packages the bundle loads from node_modules, each with its own dependencies:
// - better-sqlite3: a native module;
// - mqtt, nodemailer, simple-git, yaml, pino-pretty, @sigstore/*, openid-client, re2js: loaded on
//   first use (a notification channel, GitOps, --config, compose files, pretty logs,
//   --signature-identity, an OIDC sign-in, a tag pattern), which a bundle would make everyone parse.
//
// NEVER_LOADED: dockerode's clients for ssh:// engines and BuildKit (ssh2 and its native
// cpu-features, @grpc/grpc-js, @grpc/proto-loader, protobufjs). Tidewatch never loads them: ssh://
// engines go through the ssh binary (src/engine/ssh-stream.ts), and
// src/engine/skip-unused-dockerode-deps.ts puts stand-ins in the require cache under the files
// they resolve to. That lookup needs the files of ANCHORS on disk, not what they depend on.
export const LOADED = [
  'better-sqlite3',
  'mqtt',
  'nodemailer',
  'simple-git',
  'yaml',
  'pino-pretty',
  '@sigstore/*',
  'openid-client',
  're2js',
];

export const NEVER_LOADED = ['ssh2', 'cpu-features', '@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs'];

/** Resolved by name at start-up (skip-unused-dockerode-deps.ts), never loaded: their folders alone. */
export const ANCHORS = ['dockerode', 'docker-modem', 'ssh2', '@grpc/grpc-js', '@grpc/proto-loader'];

/** Needed to install a package, never to run it: better-sqlite3's download of a prebuilt binary. */
export const INSTALL_ONLY = ['prebuild-install'];
