/** The egress proxy as the environment sets it; `''` = not set. */
export interface EgressProxySettings {
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
}

/**
 * Reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY (the lowercase name wins when both are set and non-empty, as in undici):
 * undefined when neither proxy is set. A value without a scheme is taken as `http://`. Throws when a proxy value is no
 * http(s) URL; the message names the variable, never the value, which may carry a password.
 */
export function egressProxySettings(env: NodeJS.ProcessEnv): EgressProxySettings | undefined {
  const httpProxy = proxyUrl(env, 'HTTP_PROXY');
  const httpsProxy = proxyUrl(env, 'HTTPS_PROXY');
  if (httpProxy === '' && httpsProxy === '') return undefined;
  return { httpProxy, httpsProxy, noProxy: readVariable(env, 'NO_PROXY') };
}

function readVariable(env: NodeJS.ProcessEnv, name: string): string {
  return env[name.toLowerCase()] || env[name] || '';
}

function proxyUrl(env: NodeJS.ProcessEnv, name: 'HTTP_PROXY' | 'HTTPS_PROXY'): string {
  const raw = readVariable(env, name).trim();
  if (raw === '') return '';
  // `proxy.example.com:3128` is how curl and Go accept it too.
  const value = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} is not a URL (value not shown): expected http://[user:password@]host:port`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${name} has scheme '${url.protocol}', expected http:// or https:// (value not shown)`);
  }
  return value;
}
