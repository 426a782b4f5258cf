import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  findImageFile,
  readComposeOrigin,
  withComposeDependsOn,
  writeImage,
} from '../../src/compose/index.js';

const dirs: string[] = [];
function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tidewatch-compose-unit-'));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SOURCE = `# top comment
services:
  db:
    image: 'registry:5000/db:1.0.0'  # pinned
  web:
    depends_on:
      db: { condition: service_started }
    image: "registry:5000/web:1.0.0" # follows minor
    command:   [ "sleep",   "1" ]
`;

describe('writeImage', () => {
  it('replaces only the tag of that service, keeping quotes, comments and spacing', () => {
    const path = file('compose.yml', SOURCE);
    const edit = writeImage(path, 'web', (current) => current.replace(':1.0.0', ':1.1.0'));
    expect(edit).toMatchObject({ from: 'registry:5000/web:1.0.0', to: 'registry:5000/web:1.1.0' });
    expect(readFileSync(path, 'utf8')).toBe(SOURCE.replace('web:1.0.0', 'web:1.1.0'));
    edit.restore();
    expect(readFileSync(path, 'utf8')).toBe(SOURCE);
  });

  it('refuses an interpolated image and a service without one', () => {
    const path = file('compose.yml', 'services:\n  a:\n    image: app:${TAG}\n  b:\n    build: .\n');
    expect(() => writeImage(path, 'a', () => 'app:2')).toThrow(/interpolated/);
    expect(() => writeImage(path, 'b', () => 'app:2')).toThrow(/has no image/);
  });

  it('finds the last file that sets the image (overrides win)', () => {
    const base = file('compose.yml', 'services:\n  web:\n    image: web:1\n');
    const override = file('compose.override.yml', 'services:\n  web:\n    image: web:2\n');
    const other = file('other.yml', 'services:\n  web:\n    ports: ["80:80"]\n');
    expect(findImageFile([base, override, other], 'web')).toEqual({ file: override, image: 'web:2' });
  });
});

describe('compose labels', () => {
  const labels = {
    'com.docker.compose.project': 'shop',
    'com.docker.compose.service': 'web',
    'com.docker.compose.project.working_dir': '/srv/shop',
    'com.docker.compose.project.config_files': 'docker-compose.yml,/etc/override.yml',
    'com.docker.compose.depends_on': 'db:service_started:false,cache:service_healthy:true',
    'tidewatch.compose.write-back': 'true',
  };

  it('reads project, service, files (relative to working_dir), depends_on and write-back', () => {
    expect(readComposeOrigin(labels)).toEqual({
      project: 'shop',
      service: 'web',
      workingDir: '/srv/shop',
      configFiles: ['/srv/shop/docker-compose.yml', '/etc/override.yml'],
      dependsOn: ['db', 'cache'],
      writeBack: true,
    });
  });

  it('ignores containers compose did not create, and one-off run containers', () => {
    expect(readComposeOrigin({ 'com.docker.compose.project': 'shop' })).toBeUndefined();
    expect(readComposeOrigin({ ...labels, 'com.docker.compose.oneoff': 'True' })).toBeUndefined();
  });

  it('derives depends_on from the file for compose v1, which writes no label', () => {
    const path = file('docker-compose.yml', SOURCE);
    const v1 = {
      'com.docker.compose.project': 'shop',
      'com.docker.compose.service': 'web',
      'com.docker.compose.project.config_files': path,
    };
    expect(withComposeDependsOn(v1)['com.docker.compose.depends_on']).toBe('db');
    expect(withComposeDependsOn({ ...v1, 'com.docker.compose.service': 'db' })).toEqual({
      ...v1,
      'com.docker.compose.service': 'db',
    });
  });
});
