/**
 * The data-directory lock in one process: a second attempt is refused naming this pid, and
 * (the POSIX-lock trap: closing any descriptor of a file drops the process's locks on it)
 * the refusal does not release the lock, as a second process then still finds it held.
 */
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DataDirInUseError, lockDataDir } from '../../../src/storage/sqlite/data-dir-lock.js';
import { tempDir } from '../../helpers/gateway.js';
import { REPO_ROOT } from '../../helpers/process.js';

const run = promisify(execFile);

/** Tries the lock from a separate node process; answers what it printed. */
async function tryFromAnotherProcess(dataDir: string): Promise<string> {
  const script = `import { lockDataDir } from ${JSON.stringify(path.join(REPO_ROOT, 'src/storage/sqlite/data-dir-lock.ts'))};
try { lockDataDir(${JSON.stringify(dataDir)}).release(); console.log('locked'); } catch (e) { console.log(e.message); }`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT });
  return stdout.trim();
}

describe('lockDataDir', () => {
  it('refuses a second lock in the same process, and that refusal keeps the first lock held', async () => {
    const dataDir = tempDir('logway-lock-');
    const lock = lockDataDir(dataDir);
    onTestFinished(() => lock.release());

    let refused: unknown;
    try {
      lockDataDir(dataDir);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect(refused).toMatchObject({ dataDir: path.resolve(dataDir), pid: process.pid });

    expect(await tryFromAnotherProcess(dataDir)).toBe(
      `data directory ${path.resolve(dataDir)} is in use by another Logway gateway (pid ${process.pid}): stop that one first, or give this one its own LOGWAY_DATA_DIR`,
    );
    lock.release();
    expect(await tryFromAnotherProcess(dataDir)).toBe('locked');
    // And this process may take it again once released.
    lockDataDir(dataDir).release();
  });
});
