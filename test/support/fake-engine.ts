import type {
  ContainerDetails,
  ContainerState,
  ContainerStatus,
  ContainerSummary,
  CreateSpec,
  EndpointSettings,
  ImageDefaults,
} from '../../src/domain/index.js';
import type { Engine, ExecResult, ImageDetails } from '../../src/engine/index.js';

/**
 * An in-memory Docker engine for unit tests of the update logic (group plans, start-first, swap,
 * repair): the behaviours an update depends on are modelled as the engine has them, so a plan that
 * would fail against Docker fails here too.
 *
 * - names are unique: create and rename onto a taken name are refused (409 in Docker);
 * - a running container is not removed without force;
 * - `container:<name or id>` networking and `--link` are resolved at start, against the container
 *   that holds that name or id then: starting fails when it is missing or not running (Docker:
 *   "cannot join network of a non running container", "Cannot link to a non running container");
 * - inspect reports links as `/target:/self/alias` with the target's current name, as Docker does.
 *
 * Faults: `cutAt(k, 'before' | 'after')` makes the k-th mutating request (pull, tag, create,
 * connect, disconnect, rename, start, stop, remove) fail before or after the engine did it, and
 * every request after it fail too (an engine that went away), until `restore()`. This is the
 * in-memory twin of test/lab/engine-proxy.ts, cheap enough to enumerate every point of every plan.
 *
 * It is not Docker: no processes, no health checks (containers are `none`), no real networks.
 * Behaviour that touches containers for real is tested against the lab's engine.
 */

interface FakeContainer {
  id: string;
  name: string;
  state: ContainerState;
  imageId: string;
  config: ContainerDetails['config'];
  hostConfig: ContainerDetails['hostConfig'];
  networks: Record<string, EndpointSettings>;
  restartCount: number;
  startedAt: string;
}

interface FakeImage {
  readonly id: string;
  readonly defaults: ImageDefaults;
  tags: Set<string>;
}

export interface FakeEngineCall {
  readonly method: string;
  readonly target: string;
  /** Mutating requests count for cutAt; reads do not. */
  readonly mutating: boolean;
}

export class EngineUnreachable extends Error {
  constructor(call: string) {
    super(`connect ECONNREFUSED /var/run/docker.sock (fake engine cut at ${call})`);
    this.name = 'EngineUnreachable';
  }
}

export class FakeEngine implements Engine {
  readonly apiVersion = '1.41';
  /** Every request in order, reads included. */
  readonly calls: FakeEngineCall[] = [];
  private readonly containers = new Map<string, FakeContainer>();
  private readonly images = new Map<string, FakeImage>();
  /** What a pull of `repo@digest` (or `repo:tag`) brings: an image id already added with addImage. */
  private readonly registry = new Map<string, string>();
  private nextId = 1;
  private mutatingCount = 0;
  private cut: { k: number; when: 'before' | 'after' } | undefined;
  private down = false;

  /** Adds a local image; `tags` are `repo:tag` references it answers to. */
  addImage(id: string, tags: readonly string[] = [], defaults: ImageDefaults = {}): void {
    this.images.set(id, { id, defaults, tags: new Set(tags) });
  }

  /** Makes `reference` (`repo@sha256:...` or `repo:tag`) pullable as the image `imageId`. */
  publish(reference: string, imageId: string): void {
    this.registry.set(reference, imageId);
  }

  /** Creates and (by default) starts a container as a user would with `docker run`. */
  run(spec: {
    name: string;
    image: string;
    hostConfig?: ContainerDetails['hostConfig'];
    start?: boolean;
  }): string {
    const image = this.findImage(spec.image);
    if (!image) throw new Error(`fake engine: no image ${spec.image}`);
    const id = this.newId();
    this.containers.set(id, {
      id,
      name: spec.name,
      state: 'created',
      imageId: image.id,
      config: { Image: spec.image, Labels: {}, ...image.defaults },
      hostConfig: this.bindToIds({ NetworkMode: 'bridge', ...spec.hostConfig }),
      networks: { bridge: {} },
      restartCount: 0,
      startedAt: '',
    });
    if (spec.start !== false) this.doStart(id);
    return id;
  }

  cutAt(k: number, when: 'before' | 'after'): void {
    this.cut = { k, when };
  }

  /** The engine is back; the count of mutating requests goes on. */
  restore(): void {
    this.cut = undefined;
    this.down = false;
  }

  /** Mutating requests made so far. */
  mutations(): FakeEngineCall[] {
    return this.calls.filter((call) => call.mutating);
  }

  /** Every container, as `name image state`, for failure messages. */
  describe(): string {
    return [...this.containers.values()]
      .map((c) => `${c.name} ${c.id} ${c.imageId} ${c.state} ${c.hostConfig.NetworkMode ?? ''}`)
      .join('\n');
  }

  // --- reads ---

  listContainers(options: { all: boolean }): Promise<ContainerSummary[]> {
    return this.read('listContainers', '', () =>
      [...this.containers.values()]
        .filter((c) => options.all || c.state === 'running')
        .map((c) => ({
          id: c.id,
          name: c.name,
          state: c.state,
          imageId: c.imageId,
          labels: c.config.Labels ?? {},
        })),
    );
  }

  inspectContainer(idOrName: string): Promise<ContainerDetails | undefined> {
    return this.read('inspectContainer', idOrName, () => {
      const c = this.findContainer(idOrName);
      return c === undefined ? undefined : this.details(c);
    });
  }

  containerStatus(idOrName: string): Promise<ContainerStatus | undefined> {
    return this.read('containerStatus', idOrName, () => {
      const c = this.findContainer(idOrName);
      if (!c) return undefined;
      return {
        state: c.state,
        health: 'none',
        restartCount: c.restartCount,
        startedAt: c.startedAt,
        exitCode: 0,
      };
    });
  }

  containerLogs(idOrName: string): Promise<string> {
    return this.read('containerLogs', idOrName, () => '');
  }

  inspectImage(reference: string): Promise<ImageDetails | undefined> {
    return this.read('inspectImage', reference, () => {
      const image = this.findImage(reference);
      return (
        image && {
          id: image.id,
          repoDigests: [],
          platform: { os: 'linux', architecture: 'amd64' },
          defaults: image.defaults,
        }
      );
    });
  }

  exec(id: string): Promise<ExecResult> {
    return this.read('exec', id, () => ({ kind: 'exited', exitCode: 0, output: '' }));
  }

  // --- mutating requests ---

  pullImage(reference: string): Promise<void> {
    return this.mutate('pullImage', reference, () => {
      const id = this.registry.get(reference);
      if (id === undefined || !this.images.has(id)) throw new Error(`manifest for ${reference} not found`);
    });
  }

  tagImage(source: string, repository: string, tag: string): Promise<void> {
    return this.mutate('tagImage', source, () => {
      const image = this.findImage(source) ?? this.images.get(this.registry.get(source) ?? '');
      if (!image) throw new Error(`No such image: ${source}`);
      const ref = `${repository}:${tag}`;
      for (const other of this.images.values()) other.tags.delete(ref);
      image.tags.add(ref);
    });
  }

  createContainer(spec: CreateSpec): Promise<string> {
    return this.mutate('createContainer', spec.name, () => {
      if (this.byName(spec.name)) throw conflict(`The container name "/${spec.name}" is already in use`);
      const image = this.findImage(spec.config.Image ?? '');
      if (!image) throw new Error(`No such image: ${spec.config.Image ?? ''}`);
      const mode = spec.hostConfig.NetworkMode ?? 'bridge';
      if (mode.startsWith('container:') && !this.findContainer(mode.slice('container:'.length))) {
        throw new Error(`No such container: ${mode.slice('container:'.length)}`);
      }
      if (mode.startsWith('container:') && Object.keys(spec.config.ExposedPorts ?? {}).length > 0) {
        throw new Error('conflicting options: port exposing and the container type network mode');
      }
      const id = this.newId();
      const hostConfig = this.bindToIds(spec.hostConfig);
      const networks: Record<string, EndpointSettings> = {};
      if (!mode.startsWith('container:') && mode !== 'none' && mode !== 'host') {
        networks[mode === 'default' ? 'bridge' : mode] = { ...spec.primaryNetwork?.endpoint };
      }
      this.containers.set(id, {
        id,
        name: spec.name,
        state: 'created',
        imageId: image.id,
        config: { ...spec.config },
        hostConfig,
        networks,
        restartCount: 0,
        startedAt: '',
      });
      return id;
    });
  }

  connectNetwork(network: string, containerId: string, endpoint: EndpointSettings): Promise<void> {
    return this.mutate('connectNetwork', containerId, () => {
      const c = this.mustFind(containerId);
      if (c.networks[network])
        throw new Error(`endpoint with name ${c.name} already exists in network ${network}`);
      c.networks[network] = { ...endpoint };
    });
  }

  disconnectNetwork(network: string, containerId: string): Promise<void> {
    return this.mutate('disconnectNetwork', containerId, () => {
      const c = this.mustFind(containerId);
      if (!c.networks[network]) throw new Error(`container ${c.id} is not connected to network ${network}`);
      delete c.networks[network];
    });
  }

  renameContainer(id: string, name: string): Promise<void> {
    return this.mutate('renameContainer', id, () => {
      const c = this.mustFind(id);
      const holder = this.byName(name);
      if (holder && holder.id !== c.id) throw conflict(`The container name "/${name}" is already in use`);
      c.name = name;
    });
  }

  startContainer(id: string): Promise<void> {
    return this.mutate('startContainer', id, () => this.doStart(this.mustFind(id).id));
  }

  stopContainer(id: string): Promise<void> {
    return this.mutate('stopContainer', id, () => {
      const c = this.mustFind(id);
      c.state = 'exited';
    });
  }

  removeContainer(id: string, options?: { force?: boolean }): Promise<void> {
    return this.mutate('removeContainer', id, () => {
      const c = this.mustFind(id);
      if (c.state === 'running' && options?.force !== true) {
        throw conflict(
          `You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`,
        );
      }
      this.containers.delete(c.id);
    });
  }

  removeImage(id: string): Promise<boolean> {
    return this.mutate('removeImage', id, () => {
      const inUse = [...this.containers.values()].some((c) => c.imageId === id);
      if (!inUse) this.images.delete(id);
      return !inUse;
    });
  }

  // --- internals ---

  private doStart(id: string): void {
    const c = this.containers.get(id);
    if (!c) throw new Error(`No such container: ${id}`);
    if (c.state === 'running') return;
    const mode = c.hostConfig.NetworkMode ?? '';
    if (mode.startsWith('container:')) {
      const provider = this.findContainer(mode.slice('container:'.length));
      if (!provider) throw new Error(`No such container: ${mode.slice('container:'.length)}`);
      if (provider.state !== 'running') {
        throw new Error(`cannot join network of a non running container: ${provider.id}`);
      }
    }
    for (const link of c.hostConfig.Links ?? []) {
      const target = this.findContainer(link.split(':')[0]?.replace(/^\//, '') ?? '');
      if (!target) throw new Error(`Could not get container for ${link.split(':')[0] ?? ''}`);
      if (target.state !== 'running')
        throw new Error(`Cannot link to a non running container: /${target.name}`);
    }
    c.state = 'running';
    c.startedAt = new Date(1_800_000_000_000 + this.calls.length).toISOString();
  }

  /**
   * Docker binds a namespace and a link to the container named at create, by id: a later holder of
   * the name is not it. (So a sharer of a replaced provider must be recreated, not restarted.)
   */
  private bindToIds(hostConfig: ContainerDetails['hostConfig']): ContainerDetails['hostConfig'] {
    const mode = hostConfig.NetworkMode ?? 'bridge';
    const provider = mode.startsWith('container:')
      ? this.mustFind(mode.slice('container:'.length))
      : undefined;
    const links = (hostConfig.Links ?? []).map((link) => {
      const [target = '', alias = target] = link.split(':');
      return `${this.mustFind(target).id}:${alias}`;
    });
    return {
      ...hostConfig,
      NetworkMode: provider ? `container:${provider.id}` : mode,
      Links: links.length > 0 ? links : null,
    };
  }

  private details(c: FakeContainer): ContainerDetails {
    const links = (c.hostConfig.Links ?? []).map((link) => {
      const [target = '', alias = target] = link.split(':');
      const holder = this.findContainer(target.replace(/^\//, ''));
      return `/${holder?.name ?? target.replace(/^\//, '')}:/${c.name}/${alias.replace(/^\//, '')}`;
    });
    return {
      id: c.id,
      name: c.name,
      state: c.state,
      restartCount: c.restartCount,
      imageId: c.imageId,
      config: structuredClone(c.config),
      hostConfig: { ...structuredClone(c.hostConfig), Links: links.length > 0 ? links : null },
      mounts: [],
      networks: structuredClone(c.networks),
    };
  }

  private byName(name: string): FakeContainer | undefined {
    return [...this.containers.values()].find((c) => c.name === name);
  }

  private findContainer(idOrName: string): FakeContainer | undefined {
    const key = idOrName.replace(/^\//, '');
    if (key === '') return undefined;
    return (
      this.containers.get(key) ??
      this.byName(key) ??
      [...this.containers.values()].find((c) => c.id.startsWith(key))
    );
  }

  private mustFind(idOrName: string): FakeContainer {
    const c = this.findContainer(idOrName);
    if (!c) throw new Error(`No such container: ${idOrName}`);
    return c;
  }

  private findImage(reference: string): FakeImage | undefined {
    const byId = this.images.get(reference);
    if (byId) return byId;
    const withTag = /:[^/]+$/.test(reference) || reference.includes('@') ? reference : `${reference}:latest`;
    const pulled = this.registry.get(withTag);
    for (const image of this.images.values()) if (image.tags.has(withTag)) return image;
    return pulled !== undefined && reference.includes('@') ? this.images.get(pulled) : undefined;
  }

  private newId(): string {
    return (this.nextId++).toString(16).padStart(4, '0').repeat(16);
  }

  private read<T>(method: string, target: string, act: () => T): Promise<T> {
    this.calls.push({ method, target, mutating: false });
    if (this.down) return Promise.reject(new EngineUnreachable(method));
    try {
      return Promise.resolve(act());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private mutate<T>(method: string, target: string, act: () => T): Promise<T> {
    this.calls.push({ method, target, mutating: true });
    if (this.down) return Promise.reject(new EngineUnreachable(method));
    this.mutatingCount += 1;
    const cutHere = this.cut !== undefined && this.mutatingCount >= this.cut.k;
    if (cutHere && this.cut?.when === 'before') {
      this.down = true;
      return Promise.reject(new EngineUnreachable(method));
    }
    try {
      const result = act();
      if (cutHere) {
        this.down = true;
        return Promise.reject(new EngineUnreachable(method));
      }
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

function conflict(message: string): Error {
  return Object.assign(new Error(`(HTTP code 409) unexpected - Conflict. ${message}`), { statusCode: 409 });
}
