/**
 * The `message` of every error `@infisical/sdk` 5.0.2 threw in test/infisical-fake.test.ts, captured from the
 * SDK talking to the fake, for unit tests of the adapter's error parser.
 *
 * Format, from the SDK's `newInfisicalError`: when the error body's `message` is a string,
 * `[URL=<full request URL>] [Method=<METHOD>] [StatusCode=<status>] <server message>` (error name
 * `InfisicalSDKRequestError`; `InfisicalSDKError` when rethrown by `renew()`); otherwise the bare
 * message of the underlying error (`InfisicalSDKError`). Neither class is exported and neither has a status
 * field. Messages without a status (`fetch failed`, a body the SDK could not read) carry no URL either. The
 * URL is the fake's with its origin replaced by `SDK_FIXTURE_SITE_URL` (the SDK's default site)
 * and the project id is `FAKE_PROJECT_ID`. GET URLs carry the SDK's whole query string; `]` in names and
 * paths is percent-encoded there, so `SDK_REQUEST_ERROR_PATTERN` splits every such message.
 */

/** The origin the captured URLs were rewritten to (the test replaces the fake's `http://127.0.0.1:<port>`). */
export const SDK_FIXTURE_SITE_URL = 'https://app.infisical.com'

/** Splits an `InfisicalSDKRequestError` message into URL, method, status and the server's message. */
export const SDK_REQUEST_ERROR_PATTERN = /^\[URL=(.*?)\] \[Method=([A-Z]+)\] \[StatusCode=(\d+)\] ([\s\S]*)$/

export const SDK_ERROR_MESSAGES = {
  // Secret lookups
  /** GET of a missing secret: 404. */
  notFound:
    "[URL=https://app.infisical.com/api/v3/secrets/raw/MISSING?secretName=MISSING&workspaceId=6c1f3a52-9d4e-4b7a-8f21-5e0d3c9b7a14&environment=dev&expandSecretReferences=true&includeImports=false&secretPath=%2F&viewSecretValue=true] [Method=GET] [StatusCode=404] Secret with name 'MISSING' not found",
  /** PATCH of a missing secret: 404 (no quotes around the name). */
  updateNotFound:
    '[URL=https://app.infisical.com/api/v3/secrets/raw/MISSING] [Method=PATCH] [StatusCode=404] Secret with name MISSING not found',
  /** DELETE of a missing secret: 404. */
  deleteNotFound:
    '[URL=https://app.infisical.com/api/v3/secrets/raw/MISSING] [Method=DELETE] [StatusCode=404] Secret not found',
  /** GET in a folder (or environment) that does not exist: 404. */
  folderNotFound:
    "[URL=https://app.infisical.com/api/v3/secrets/raw/A?secretName=A&workspaceId=6c1f3a52-9d4e-4b7a-8f21-5e0d3c9b7a14&environment=dev&expandSecretReferences=true&includeImports=false&secretPath=%2Fnope&viewSecretValue=true] [Method=GET] [StatusCode=404] Folder with path '/nope' in environment with slug 'dev' not found",
  /** List of a folder (or environment) that does not exist: 404. */
  listFolderNotFound:
    "[URL=https://app.infisical.com/api/v3/secrets/raw?workspaceId=6c1f3a52-9d4e-4b7a-8f21-5e0d3c9b7a14&environment=dev&expandSecretReferences=true&include_imports=false&recursive=false&secretPath=%2Fnope&viewSecretValue=true] [Method=GET] [StatusCode=404] Folder with path '/nope' in environment 'dev' was not found. Please ensure the environment slug and secret path is correct.",
  /** POST into a folder that does not exist: 404. */
  createFolderNotFound:
    "[URL=https://app.infisical.com/api/v3/secrets/raw/B] [Method=POST] [StatusCode=404] Folder with path '/nope' in environment with slug 'dev' not found",
  /** Any secret route with an unknown project id: 404. */
  projectNotFound:
    '[URL=https://app.infisical.com/api/v3/secrets/raw/A?secretName=A&workspaceId=no-such-project&environment=dev&expandSecretReferences=true&includeImports=false&secretPath=%2F&viewSecretValue=true] [Method=GET] [StatusCode=404] Project with no-such-project not found',

  // Conflicts
  /** POST of a key that exists in that environment and folder: 400. */
  alreadyExists:
    '[URL=https://app.infisical.com/api/v3/secrets/raw/A] [Method=POST] [StatusCode=400] Secret already exists',
  /** PATCH with a `newSecretName` that exists there (the secret's own name included): 400. */
  renameConflict:
    '[URL=https://app.infisical.com/api/v3/secrets/raw/A] [Method=PATCH] [StatusCode=400] Secret with the new name already exists',

  // Authentication and permission
  /** A secret route called before any login (no bearer header): 401. */
  unauthenticated:
    '[URL=https://app.infisical.com/api/v3/secrets/raw/A?secretName=A&workspaceId=6c1f3a52-9d4e-4b7a-8f21-5e0d3c9b7a14&environment=dev&expandSecretReferences=true&includeImports=false&secretPath=%2F&viewSecretValue=true] [Method=GET] [StatusCode=401] Token missing',
  /** Read without the describeSecret/read permission: 403. */
  forbidden:
    '[URL=https://app.infisical.com/api/v3/secrets/raw/A?secretName=A&workspaceId=6c1f3a52-9d4e-4b7a-8f21-5e0d3c9b7a14&environment=dev&expandSecretReferences=true&includeImports=false&secretPath=%2F&viewSecretValue=true] [Method=GET] [StatusCode=403] You are not allowed to describeSecret on secrets',
  /** Update without the edit permission: 403 (create / delete say `create` / `delete`). */
  forbiddenEdit:
    '[URL=https://app.infisical.com/api/v3/secrets/raw/A] [Method=PATCH] [StatusCode=403] You are not allowed to edit on secrets',
  /** Any route with an access token past its TTL: 403. */
  tokenExpired:
    '[URL=https://app.infisical.com/api/v3/secrets/raw/A?secretName=A&workspaceId=6c1f3a52-9d4e-4b7a-8f21-5e0d3c9b7a14&environment=dev&expandSecretReferences=true&includeImports=false&secretPath=%2F&viewSecretValue=true] [Method=GET] [StatusCode=403] Your token has expired. Please re-authenticate.',
  /** Login again through the SDK instance that holds an expired token (it still sends it): 403. */
  loginWithExpiredToken:
    '[URL=https://app.infisical.com/api/v1/auth/universal-auth/login] [Method=POST] [StatusCode=403] Your token has expired. Please re-authenticate.',
  /** A bearer token that is not a JWT: 403. */
  tokenMalformed:
    '[URL=https://app.infisical.com/api/v3/secrets/raw/A?secretName=A&workspaceId=6c1f3a52-9d4e-4b7a-8f21-5e0d3c9b7a14&environment=dev&expandSecretReferences=true&includeImports=false&secretPath=%2F&viewSecretValue=true] [Method=GET] [StatusCode=403] The provided access token is malformed. Please use a valid token or generate a new one and try again.',
  /** A revoked token, or one deleted by a refused renewal: 401. */
  tokenRevoked:
    '[URL=https://app.infisical.com/api/v3/secrets/raw/A?secretName=A&workspaceId=6c1f3a52-9d4e-4b7a-8f21-5e0d3c9b7a14&environment=dev&expandSecretReferences=true&includeImports=false&secretPath=%2F&viewSecretValue=true] [Method=GET] [StatusCode=401] No identity access token found',
  /** Universal auth login with a wrong client secret or unknown client id: 401. */
  invalidCredentials:
    '[URL=https://app.infisical.com/api/v1/auth/universal-auth/login] [Method=POST] [StatusCode=401] Invalid credentials',
  /** Login after 3 failures within 30 s (locked 5 minutes, even with the right secret): 401. */
  lockedOut:
    '[URL=https://app.infisical.com/api/v1/auth/universal-auth/login] [Method=POST] [StatusCode=401] This identity auth method is temporarily locked, please try again later',
  /** Renewal whose new expiry would pass the max TTL (always, with TTL = max TTL): 401. Thrown as InfisicalSDKError. */
  renewPastMaxTtl:
    '[URL=https://app.infisical.com/api/v1/auth/token/renew] [Method=POST] [StatusCode=401] Failed to renew MI access token past its Max TTL expiration',
  /** renew() on an AuthClient without a token (e.g. one taken from sdk.auth() before login); no request is sent. */
  noTokenToRenew: 'Unable to renew access token, no access token set.',

  // Transport and server
  /** A 422: the server's `message` is a zod issue array, which the SDK drops, so no URL and no [StatusCode=]. */
  validation: 'Request failed with status 422',
  /** 500 (not retried). */
  serverError:
    '[URL=https://app.infisical.com/api/v3/secrets/raw?workspaceId=6c1f3a52-9d4e-4b7a-8f21-5e0d3c9b7a14&environment=dev&expandSecretReferences=true&include_imports=false&recursive=false&secretPath=%2F&viewSecretValue=true] [Method=GET] [StatusCode=500] Something went wrong',
  /** 429, after the SDK's 4 retries (1 + 2 + 4 + 8 s). */
  rateLimited:
    '[URL=https://app.infisical.com/api/v3/secrets/raw/A?secretName=A&workspaceId=6c1f3a52-9d4e-4b7a-8f21-5e0d3c9b7a14&environment=dev&expandSecretReferences=true&includeImports=false&secretPath=%2F&viewSecretValue=true] [Method=GET] [StatusCode=429] Rate limit exceeded. Please try again in 60 seconds',
  /** Connection refused or dropped, after 4 retries (undici's TypeError message). */
  network: 'fetch failed',
  /** No answer within the SDK's 10 s per-attempt timeout, 5 times (AbortController's DOMException message). */
  timeout: 'This operation was aborted',

  // Answers that are not Infisical's (a proxy, a gateway, a wrong siteUrl), through the testkit's fault proxy
  /** A 404 HTML page: not JSON, so the SDK keeps only the status. */
  htmlNotFound: 'Request failed with status 404',
  /** A 403 HTML page from a proxy. */
  htmlForbidden: 'Request failed with status 403',
  /** A 502 HTML page from a gateway (not retried by the SDK). */
  badGateway: 'Request failed with status 502',
  /** A 500 with an empty body (not retried by the SDK). */
  emptyServerError: 'Request failed with status 500',
  /**
   * A JSON 404 that is not Infisical's error body: the route-not-found answer of a server where `siteUrl` has
   * a path it does not serve (here `<site>/nested`). It has a string `message`, so the SDK writes it in the
   * `[StatusCode=404]` form just like Infisical's own 404s.
   */
  routeNotFound:
    '[URL=https://app.infisical.com/nested/api/v3/secrets/raw/A?secretName=A&workspaceId=6c1f3a52-9d4e-4b7a-8f21-5e0d3c9b7a14&environment=dev&expandSecretReferences=true&includeImports=false&secretPath=%2F&viewSecretValue=true] [Method=GET] [StatusCode=404] Route GET:/nested/api/v3/secrets/raw/A not found',
  /** getSecret answered 200 with an empty body: the SDK reads `.secret` of nothing (a TypeError, rethrown as InfisicalSDKError). */
  emptySecretAnswer: "Cannot read properties of undefined (reading 'secret')",
  /** folders().create answered 200 with an empty body. */
  emptyFolderAnswer: "Cannot read properties of undefined (reading 'folder')",
  /** An answer whose body was cut off mid-stream (undici's message, not retried: the body is read after the retries). */
  cutOff: 'terminated',
} as const

export type SdkErrorCase = keyof typeof SDK_ERROR_MESSAGES
