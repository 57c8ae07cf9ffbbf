import { readFile, stat } from 'node:fs/promises';
import { GoogleAuth } from 'google-auth-library';
import { UnauthenticatedError } from './errors.ts';

/** The OAuth scope of the Compute Engine API. */
export const COMPUTE_SCOPE = 'https://www.googleapis.com/auth/compute';

/**
 * Where the GCE client gets its bearer token; filled by the options module from
 * `--access-token-file`, `--access-token`, or neither (Application Default Credentials).
 * `none` sends no Authorization header (the local emulator accepts that).
 */
export type GceCredentials =
  | { readonly source: 'adc' }
  | { readonly source: 'access-token-file'; readonly path: string }
  | { readonly source: 'access-token'; readonly token: string }
  | { readonly source: 'none' };

/** Supplies the bearer token for each request. */
export interface TokenSource {
  /**
   * The token to send now, or undefined to send none. Cheap when nothing changed. Rejects with
   * UnauthenticatedError when no token can be had (file missing or empty, ADC not configured).
   */
  token(): Promise<string | undefined>;
}

/** The file operations a token file needs, injectable for tests. */
export interface TokenFileSystem {
  stat(path: string): Promise<{ readonly mtimeMs: number; readonly size: number }>;
  readFile(path: string): Promise<string>;
}

const nodeFileSystem: TokenFileSystem = {
  stat: (path) => stat(path),
  readFile: (path) => readFile(path, 'utf8'),
};

/** For logs: says where credentials come from, never the token itself. */
export function describeCredentials(credentials: GceCredentials): string {
  switch (credentials.source) {
    case 'adc':
      return 'Application Default Credentials';
    case 'access-token-file':
      return `access token file ${credentials.path}`;
    case 'access-token':
      return 'a fixed access token';
    case 'none':
      return 'no credentials';
  }
}

/**
 * The token source for a credentials option. ADC is resolved lazily on the first request (so
 * constructing a client never touches the metadata server or the disk); google-auth-library
 * caches and refreshes the token.
 */
export function createTokenSource(
  credentials: GceCredentials,
  deps: {
    readonly fs?: TokenFileSystem;
    readonly googleAuth?: () => Pick<GoogleAuth, 'getAccessToken'>;
  } = {},
): TokenSource {
  switch (credentials.source) {
    case 'none':
      return { token: () => Promise.resolve(undefined) };
    case 'access-token':
      return { token: () => Promise.resolve(credentials.token) };
    case 'access-token-file':
      return new TokenFileSource(credentials.path, deps.fs ?? nodeFileSystem);
    case 'adc': {
      let auth: Pick<GoogleAuth, 'getAccessToken'> | undefined;
      return {
        token: async () => {
          auth ??= deps.googleAuth?.() ?? new GoogleAuth({ scopes: [COMPUTE_SCOPE] });
          let token: string | null | undefined;
          try {
            token = await auth.getAccessToken();
          } catch (err) {
            throw new UnauthenticatedError('Application Default Credentials gave no token', {
              method: 'auth',
              cause: err,
            });
          }
          if (!token)
            throw new UnauthenticatedError('Application Default Credentials gave no token', {
              method: 'auth',
            });
          return token;
        },
      };
    }
  }
}

/**
 * A token kept in a file that something else rotates (a sidecar, a projected token). The file is
 * stat'ed on every request, which costs far less than the request, and read again only when its
 * modification time or size changed.
 */
class TokenFileSource implements TokenSource {
  readonly #path: string;
  readonly #fs: TokenFileSystem;
  #version = '';
  #token = '';

  constructor(path: string, fs: TokenFileSystem) {
    this.#path = path;
    this.#fs = fs;
  }

  async token(): Promise<string> {
    try {
      const s = await this.#fs.stat(this.#path);
      const version = `${s.mtimeMs}:${s.size}`;
      if (version !== this.#version) {
        this.#token = (await this.#fs.readFile(this.#path)).trim();
        this.#version = version;
      }
    } catch (err) {
      throw new UnauthenticatedError(`cannot read access token file ${this.#path}`, {
        method: 'auth',
        cause: err,
      });
    }
    if (this.#token === '') {
      throw new UnauthenticatedError(`access token file ${this.#path} is empty`, { method: 'auth' });
    }
    return this.#token;
  }
}
