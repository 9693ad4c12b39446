import { IdseError } from "../errors.ts";

// The only network access the host hands a plugin: `fetch` limited to the hosts its manifest declares
// (granted when it was installed) and the remotes the caller configured. Redirects are followed by hand,
// so a redirect cannot lead a plugin to a host it was not granted.

const MAX_REDIRECTS = 5;

export function hostAllowed(url: URL, hosts: readonly string[], remotes: readonly string[]): boolean {
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  const hostname = url.hostname.toLowerCase();
  for (const pattern of hosts) {
    const p = pattern.toLowerCase();
    if (p.includes(":") ? url.host.toLowerCase() === p : hostname === p) return true;
    if (p.startsWith("*.") && !p.includes(":") && hostname.endsWith(p.slice(1))) return true;
  }
  for (const remote of remotes) {
    try {
      if (new URL(remote).origin === url.origin) return true;
    } catch {
      if (remote.toLowerCase() === url.host.toLowerCase()) return true;
    }
  }
  return false;
}

export function scopedFetch(
  plugin: string,
  hosts: readonly string[],
  remotes: readonly string[],
): (input: string | URL, init?: RequestInit) => Promise<Response> {
  const check = (url: URL) => {
    if (!hostAllowed(url, hosts, remotes)) {
      throw new IdseError("PLUGIN_NETWORK_DENIED", {
        plugin,
        host: url.host || url.protocol,
        allowed: [...hosts, ...remotes],
      });
    }
  };
  return async (input, init = {}) => {
    let url = new URL(String(input));
    let request: RequestInit = { ...init, redirect: "manual" };
    for (let hop = 0; ; hop++) {
      check(url);
      const res = await fetch(url, request);
      const location = res.headers.get("location");
      if (res.status < 300 || res.status >= 400 || !location || init.redirect === "manual") return res;
      if (init.redirect === "error" || hop >= MAX_REDIRECTS) {
        throw new Error(`too many redirects (or redirects refused) at ${url.href}`);
      }
      url = new URL(location, url);
      // 303, and 301/302 after a POST, turn into a GET without a body, as browsers do.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && request.method === "POST")) {
        request = { ...request, method: "GET", body: undefined };
      }
    }
  };
}
