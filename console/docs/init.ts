/**
 * The API reference: Swagger UI (loaded before this script from the gateway itself) rendering
 * this gateway's own /openapi.json, with "Try it out" sent to this same gateway.
 */
import { CREDENTIAL_KEY } from '../src/credential-key.js';

declare const SwaggerUIBundle: (options: Record<string, unknown>) => { preauthorizeApiKey(name: string, value: string): void };

const spec = (await (await fetch('/openapi.json')).json()) as { servers?: unknown };
// The document names the default local address; calls from this page go where the page came from.
spec.servers = [{ url: location.origin, description: 'This gateway' }];
const ui = SwaggerUIBundle({
  spec,
  dom_id: '#swagger-ui',
  deepLinking: true,
  // Swagger UI would otherwise send the document to an online validator.
  validatorUrl: null,
  defaultModelsExpandDepth: 0,
});
// A key or token given to the console in this tab authorizes "Try it out" too.
const credential = sessionStorage.getItem(CREDENTIAL_KEY);
if (credential) ui.preauthorizeApiKey('bearer', credential);
