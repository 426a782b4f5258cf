/** An OCI platform, as in image configs and index entries. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string | undefined;
}

/** What the engine knows about a local image, as far as deciding an update needs it. */
export interface LocalImage {
  /** Image id (`sha256:...`): the config digest on the classic store, the manifest/index digest on containerd's. */
  readonly id: string;
  /** `name@sha256:...` entries: the manifests this image was pulled by or pushed as. */
  readonly repoDigests: readonly string[];
  readonly platform: Platform;
}
