import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../testing/temp-dir.ts';
import { imageVersion } from '../src/image-version.ts';

const repositoryRoot = join(import.meta.dirname, '..', '..');

/** A build context of its own: a Dockerfile copying src/, its ignore file, and a README beside. */
function context(): { dir: string; dockerfile: string } {
  const dir = tempDir();
  mkdirSync(join(dir, 'src', 'test'), { recursive: true });
  writeFileSync(join(dir, 'src', 'main.js'), 'console.log(1);\n');
  writeFileSync(join(dir, 'src', 'test', 'main.test.js'), '// a test\n');
  writeFileSync(join(dir, 'README.md'), '# docs\n');
  const dockerfile = join(dir, 'Dockerfile');
  writeFileSync(dockerfile, 'FROM base\nCOPY src src\n');
  writeFileSync(`${dockerfile}.dockerignore`, '*\n!src\nsrc/test\n');
  return { dir, dockerfile };
}

/** The paths a Dockerfile copies from its build context (not from another stage). */
function copiedPaths(dockerfile: string): string[] {
  return readFileSync(dockerfile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('COPY ') && !line.includes('--from'))
    .flatMap((line) => line.split(/\s+/).slice(1, -1))
    .filter((path, i, all) => all.indexOf(path) === i)
    .sort();
}

/** The paths an allowlist ignore file lets in. */
const allowed = (ignoreFile: string) =>
  readFileSync(ignoreFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1))
    .sort();

describe("an image's version", () => {
  it('changes with a file the image copies and with a build argument', () => {
    const { dir, dockerfile } = context();
    const first = imageVersion(dir, dockerfile, { BASE: 'node:24' });
    assert.match(first, /^[0-9a-f]{12}$/);
    assert.notEqual(imageVersion(dir, dockerfile, { BASE: 'node:24.1' }), first);
    writeFileSync(join(dir, 'src', 'main.js'), 'console.log(2);\n');
    assert.notEqual(imageVersion(dir, dockerfile, { BASE: 'node:24' }), first);
  });

  it('stays when only what the image does not copy changes: docs, tests', () => {
    const { dir, dockerfile } = context();
    const first = imageVersion(dir, dockerfile, {});
    writeFileSync(join(dir, 'README.md'), '# other docs\n');
    writeFileSync(join(dir, 'src', 'test', 'main.test.js'), '// another test\n');
    assert.equal(imageVersion(dir, dockerfile, {}), first);
  });

  for (const image of ['app', 'nginx']) {
    it(`reads ${image}/Dockerfile's own ignore file, which lets in exactly what it copies`, () => {
      const dockerfile = join(repositoryRoot, image, 'Dockerfile');
      assert.deepEqual(allowed(`${dockerfile}.dockerignore`), copiedPaths(dockerfile));
    });
  }
});
