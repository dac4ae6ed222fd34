/** Where the console keeps the tab's key or token: sessionStorage, never localStorage or a cookie. */
export const CREDENTIAL_KEY = 'logway.credential';
