// The request target as the REST handlers read it: the path, as WHATWG URL normalises it, and the
// query's parameters. `new URL()` and its URLSearchParams were ~5 µs of every warm invoke; most
// targets are plain (`/api/v1/namespaces/_/actions/hello?blocking=true&result=true`), and for
// those the path is the raw path and the query needs no decoding, so they are read as they are.
// Anything else (percent-escapes, '+', dot segments, '//' at the start, a fragment, non-ASCII, …)
// goes to URL, so every answer is URL's own.

/** What handlers read of the request target; a URL is one. */
export interface RequestTarget {
  pathname: string;
  searchParams: Pick<URLSearchParams, 'get'>;
}

/** A path URL leaves as it is: segments of characters it never escapes or rewrites, no dot segment, not starting '//'. */
const PLAIN_PATH = /^(?!\/\/)(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9_\-.~!$&'()*,;=:@]*)+$/;
/** A query URLSearchParams decodes to itself: no '%', no '+', nothing to escape. */
const PLAIN_QUERY = /^[A-Za-z0-9_\-.~!$()*,;:@/?=&]*$/;

class PlainQuery implements Pick<URLSearchParams, 'get'> {
  readonly #query: string;

  constructor(query: string) {
    this.#query = query;
  }

  /** The first value of `name`, as URLSearchParams.get answers it. */
  get(name: string): string | null {
    for (const pair of this.#query.split('&')) {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      if (key === name && pair.length > 0) return eq < 0 ? '' : pair.slice(eq + 1);
    }
    return null;
  }
}

/** `raw`: the request's target as node gives it (req.url). */
export function requestTarget(raw: string): RequestTarget {
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? '' : raw.slice(q + 1);
  if (PLAIN_PATH.test(path) && PLAIN_QUERY.test(query)) return { pathname: path, searchParams: new PlainQuery(query) };
  return new URL(raw, 'http://controller');
}
