import type { ServiceStarter } from '../daemon/daemon.js';
import { applyBundle } from './apply.js';
import { Inbox } from './inbox.js';
import { applyDepsOf, type BundleHost } from './service.js';

/**
 * `run --inbox DIR`: the inbox as a daemon service. Each bundle is applied in turn with the runs
 * (never during a cycle), its updates inside that same turn; stopping waits for the one in hand.
 */
export function bundleInbox(host: BundleHost): ServiceStarter[] {
  const dir = host.settings.inbox;
  if (dir === undefined) return [];
  return [
    (daemon) => {
      const controller = new AbortController();
      const deps = applyDepsOf(host, daemon.deps.store.bundles, daemon.deps, controller.signal);
      const inbox = new Inbox({
        dir,
        logger: host.logger.child({ inbox: dir }),
        apply: (file) => daemon.runs.exclusive('bundle', () => applyBundle(deps, file)),
      });
      inbox.start();
      host.logger.info({ inbox: dir, keys: deps.keys.map((key) => key.id) }, 'watching the bundle inbox');
      return Promise.resolve({
        stop: async () => {
          controller.abort();
          await inbox.stop();
        },
      });
    },
  ];
}
