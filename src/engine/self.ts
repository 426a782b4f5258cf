import { readFile } from 'node:fs/promises';

/**
 * The id of the container this process runs in, or undefined on a host. The engine bind-mounts
 * /etc/hostname, /etc/hosts and /etc/resolv.conf from the container's own folder, whose path holds
 * the full id, under cgroup v1 and v2 alike (unlike /proc/self/cgroup, which v2 hides).
 */
export async function detectOwnContainerId(
  mountinfoPath = '/proc/self/mountinfo',
): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(mountinfoPath, 'utf8');
  } catch {
    return undefined;
  }
  return ownContainerIdFromMountinfo(text);
}

export function ownContainerIdFromMountinfo(mountinfo: string): string | undefined {
  for (const line of mountinfo.split('\n')) {
    const match = /\/containers\/([0-9a-f]{64})\/(?:hostname|hosts|resolv\.conf)\s/.exec(line);
    if (match?.[1]) return match[1];
  }
  return undefined;
}
