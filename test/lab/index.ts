/**
 * The integration test lab: the real engine, a real registry, tiny busybox images, and cleanup.
 *
 *   beforeAll(async () => {
 *     await assertEngine(); // fails, never skips, without an engine
 *     registry = await startRegistry();
 *   });
 *   afterAll(async () => {
 *     await registry?.stop();
 *     await cleanupLab(); // everything labelled LAB_LABEL=RUN_ID by this process
 *   });
 *   it('...', async () => {
 *     const ref = `${registry.host}/${uniqueName('app')}:1.0`;
 *     const { digest } = await buildAndPush(ref, { env: ['MODE=a'] });
 *     const container = await runContainer(uniqueName('app'), ref);
 *     registry.resetRequests();
 *     // ...run the code under test, then: registry.manifestRequests(repo)
 *   });
 *
 * Anything a test creates by hand (networks, volumes) needs `Labels: labLabels()`.
 */
export { cleanupLab, runContainer, sweepDeadRuns } from './cleanup.js';
export { assertEngine, engineAddress, labDocker } from './engine.js';
export { startEngineProxy, withoutVersion, type EngineProxy, type MutatingRequest } from './engine-proxy.js';
export {
  startFaultProxy,
  type FaultMode,
  type FaultOptions,
  type FaultProxy,
  type ProxyRequest,
} from './faults.js';
export {
  buildAndPush,
  buildImage,
  pullImage,
  pushImage,
  type BuildOptions,
  type RegistryAuth,
} from './images.js';
export { LAB_LABEL, RUN_ID, labLabels, uniqueName } from './names.js';
export { freePort } from './ports.js';
export {
  MANIFEST_ACCEPT,
  MEDIA_TYPES,
  attestationDescriptor,
  configDigest,
  manifestDescriptor,
  pushForeignManifest,
  putIndex,
  tagManifest,
  type Descriptor,
  type Platform,
} from './oci.js';
export { startRegistry, type LabRegistry, type RegistryOptions, type RegistryRequest } from './registry.js';
export { startEngines, stopEngines, type ExtraEngine } from './engines.js';
export { startSshd, type LabSshd, type SshClientSetup } from './sshd.js';
