/**
 * The authenticated principal travels on Hono's context (`c.get('principal')`), set by the
 * REST app's authentication middleware and read by both transports' handlers.
 */
import type {} from 'hono';
import type { Principal } from './principal.js';

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal;
  }
}
