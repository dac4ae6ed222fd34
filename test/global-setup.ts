/**
 * Once per test run: build the console and the API reference into dist/web (about a second), so
 * the tests serve what `npm run build` would, from a clean clone too, and never a stale bundle.
 */
import { buildWeb } from '../console/build.js';

export default async function setup(): Promise<void> {
  await buildWeb();
}
