// What scripts/bundle.js leaves outside the bundle (dist/bundle/tidewatch-main.cjs), and so what the container image
// must still carry in node_modules (scripts/runtime-modules.js copies exactly these).
//
// LOADED: packages the bundle loads from node_modules, each with its own dependencies:
// - better-sqlite3: a native module;
// - mqtt, nodemailer, simple-git, yaml, pino-pretty, @sigstore/*, openid-client, re2js: loaded on
//   first use (a notification channel, GitOps, --config, compose files, pretty logs,
//   --signature-identity, an OIDC sign-in, a tag pattern), which a bundle would make everyone parse.
//
// dockerode's clients for ssh:// engines and BuildKit (ssh2, @grpc/*, protobufjs) are neither: the bundle has
// stand-ins for them (scripts/bundle-plugins.js), so the image carries none.
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

/** Needed to install a package, never to run it: better-sqlite3's download of a prebuilt binary. */
export const INSTALL_ONLY = ['prebuild-install'];
