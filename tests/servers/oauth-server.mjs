// An OAuth 2.0 service-account server for the tests: oauth2-mock-server's token endpoint
// (client credentials, signed JWTs) mounted at /api/oauth/token, as Atlas serves it, in
// front of an API that only answers requests bearing a token it issued and that has not
// expired or been revoked.
//
//   node oauth-server.mjs --port P --client-id ID --client-secret SECRET --ttl SECONDS
//                         (--fixture FILE | --upstream http://127.0.0.1:Q)
//
// API requests (/api/atlas/...) with a good token get FILE's bytes, or are forwarded to the
// upstream (Stoplight Prism) with their headers. Listens on 127.0.0.1 only. Test controls:
//   GET  /_test/stats   {"tokenRequests": [...], "apiRequests": [{status, token}]}
//   POST /_test/revoke  tokens issued so far are refused from now on (401)
//   POST /_test/refuse-all  every token is refused from now on, new ones too
// Prints "listening <port>" once it accepts connections.

import { createServer, request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { OAuth2Server } from 'oauth2-mock-server';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    ttl: { type: 'string', default: '3600' },
    fixture: { type: 'string' },
    upstream: { type: 'string' },
  },
});

const host = '127.0.0.1';
const port = Number(options.port);
const ttl = Number(options.ttl);
const tokenPath = '/api/oauth/token';
const fixture = options.fixture ? readFileSync(options.fixture) : null;

const oauth = new OAuth2Server(undefined, undefined, { endpoints: { token: tokenPath } });
await oauth.issuer.keys.generate('RS256');
oauth.issuer.url = `http://${host}:${port}`;

/** Issued tokens: token -> expiry (ms since epoch). */
const issued = new Map();
const revoked = new Set();
let refuseAll = false;
const tokenRequests = [];
const apiRequests = [];

function basicCredentials(header) {
  if (!header || !header.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return {
    id: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

oauth.service.on('beforeTokenSigning', (token) => {
  token.payload.exp = Math.floor(Date.now() / 1000) + ttl;
  // A token id of its own, so two tokens issued within one second differ.
  token.payload.jti = randomUUID();
});

oauth.service.on('beforeResponse', (response, req) => {
  const credentials = basicCredentials(req.headers.authorization);
  const good =
    credentials !== null &&
    credentials.id === options['client-id'] &&
    credentials.secret === options['client-secret'];
  tokenRequests.push({
    grantType: req.body.grant_type,
    contentType: req.headers['content-type'] ?? null,
    clientId: credentials ? credentials.id : null,
    accepted: good,
  });
  if (!good) {
    response.statusCode = 401;
    response.body = { error: 'invalid_client', error_description: 'unknown client or wrong secret' };
    return;
  }
  response.body.expires_in = ttl;
  issued.set(response.body.access_token, Date.now() + ttl * 1000);
});

function tokenIsGood(authorization) {
  if (refuseAll || !authorization || !authorization.startsWith('Bearer ')) return false;
  const token = authorization.slice(7);
  const expiry = issued.get(token);
  return expiry !== undefined && Date.now() < expiry && !revoked.has(token);
}

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

function api(req, res) {
  const good = tokenIsGood(req.headers.authorization);
  const token = req.headers.authorization ? req.headers.authorization.slice(7) : null;
  if (!good) {
    apiRequests.push({ status: 401, token });
    send(res, 401, JSON.stringify({ error: 401, errorCode: 'NOT_ORG_GROUP_CREATOR', reason: 'Unauthorized', detail: 'invalid or expired token' }));
    return;
  }
  if (fixture) {
    apiRequests.push({ status: 200, token });
    send(res, 200, fixture, 'application/vnd.atlas.2023-01-01+json');
    return;
  }
  const upstream = new URL(req.url, options.upstream);
  const forwarded = httpRequest(upstream, { method: req.method, headers: { ...req.headers, host: upstream.host } }, (answer) => {
    apiRequests.push({ status: answer.statusCode, token });
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  forwarded.on('error', (error) => send(res, 502, JSON.stringify({ error: 502, errorCode: 'UPSTREAM', detail: String(error) })));
  req.pipe(forwarded);
}

const server = createServer((req, res) => {
  const path = new URL(req.url, `http://${host}`).pathname;
  if (path === '/_test/stats') {
    send(res, 200, JSON.stringify({ tokenRequests, apiRequests }));
  } else if (path === '/_test/revoke' && req.method === 'POST') {
    for (const token of issued.keys()) revoked.add(token);
    send(res, 204, '');
  } else if (path === '/_test/refuse-all' && req.method === 'POST') {
    refuseAll = true;
    send(res, 204, '');
  } else if (path.startsWith('/api/atlas/')) {
    api(req, res);
  } else {
    oauth.service.requestHandler(req, res);
  }
});

server.listen(port, host, () => {
  console.log(`listening ${port}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
