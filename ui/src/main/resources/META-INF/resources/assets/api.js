// The public HTTP API, as the dashboard calls it: same-origin fetch with the session cookie, the CSRF header on
// every unsafe request, and errors turned into sentences (the problem document's "detail").

export class ApiError extends Error {
  constructor(status, message, problem) {
    super(message);
    this.status = status;
    this.problem = problem || null;
  }
}

let onSessionEnded = () => {};

/** Called with a sentence when the API says the session is gone (401), so the app can show the sign-in page. */
export function whenSessionEnds(callback) {
  onSessionEnded = callback;
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers['X-Gantry-CSRF'] = '1';
  const options = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  let response;
  // A GET that fails on the network (e.g. a kept-alive connection closed under it) is tried twice more; other
  // methods are not repeated, since they change things.
  for (let attempt = 0; ; attempt += 1) {
    try {
      response = await fetch(path, options);
      break;
    } catch (e) {
      if (method !== 'GET' || attempt >= 2) {
        throw new ApiError(0, 'Gantry could not be reached: check that it is running and that you are online.');
      }
      await new Promise((resolve) => setTimeout(resolve, 300 * (attempt + 1)));
    }
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (e) {
    data = null;
  }
  if (!response.ok) {
    const detail = (data && data.detail) || `The request failed (HTTP ${response.status}).`;
    const error = new ApiError(response.status, detail, data);
    if (response.status === 401 && !path.startsWith('/ui/session')) onSessionEnded(detail);
    throw error;
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

/** GET that answers null when the endpoint does not exist on this platform (yet): 404 on the path itself. */
export async function getOptional(path) {
  try {
    return await get(path);
  } catch (e) {
    if (missingEndpoint(e)) return null;
    throw e;
  }
}

/**
 * A 404 about the path itself (the generic not-found problem, or no problem document at all), as opposed to a
 * 404 about a thing the path names (app-not-found and the like).
 */
export function missingEndpoint(e) {
  if (e.status !== 404) return false;
  return !e.problem || !e.problem.type || e.problem.type === 'urn:gantry:problem:not-found';
}

export const enc = encodeURIComponent;
