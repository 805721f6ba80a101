import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The one typed, frozen view of the environment. Parsed once at start-up. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | null;
  readonly databaseReplicaUrl: string | null;
  readonly baseUrl: string;
  readonly sessionSecret: string;
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly trustProxy: boolean | string;
  readonly secureCookies: boolean;
  /** Requests allowed per token or IP in 5 minutes on /api/v1 (API_RATE_LIMIT, default 300). */
  readonly apiRateLimit: number;
  /** Memory for anonymous answers kept and served again while their data is unchanged; 0: off. */
  readonly responseCacheMb: number;
}

/** Thrown for a bad environment value; main turns it into one line and exit code 2. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}

function parsePort(env: Env): number {
  const raw = text(env, 'PORT');
  if (raw === null) return 3000;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) {
    throw new ConfigError('PORT', `must be a whole number from 0 to 65535, got "${raw}"`);
  }
  return Number(raw);
}

function parseUrl(env: Env, name: string, protocols: string[]): string | null {
  const raw = text(env, name);
  if (raw === null) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a valid URL ("${raw}")`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.join(' or ')} (got ${url.protocol})`);
  }
  return raw;
}

/** SESSION_SECRET when given; otherwise one generated once and kept in DATA_DIR. */
function sessionSecret(env: Env, dataDir: string): string {
  const given = text(env, 'SESSION_SECRET');
  if (given !== null) {
    if (given.length < 32)
      throw new ConfigError('SESSION_SECRET', 'must be at least 32 characters');
    return given;
  }
  const file = join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

function parseTrustProxy(env: Env): boolean | string {
  const raw = text(env, 'TRUST_PROXY');
  if (raw === null || raw === 'false') return false;
  if (raw === 'true') return true;
  if (!/^[\d.:/a-fA-F, ]+$/.test(raw)) {
    throw new ConfigError('TRUST_PROXY', 'must be true, false or a list of proxy addresses/CIDRs');
  }
  return raw;
}

function parseResponseCacheMb(env: Env): number {
  const raw = text(env, 'RESPONSE_CACHE_MB');
  if (raw === null) return 64;
  if (!/^\d{1,6}$/.test(raw)) {
    throw new ConfigError(
      'RESPONSE_CACHE_MB',
      `must be a whole number of megabytes (0: off), got "${raw}"`,
    );
  }
  return Number(raw);
}

function parseApiRateLimit(env: Env): number {
  const raw = text(env, 'API_RATE_LIMIT');
  if (raw === null) return 300;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) {
    throw new ConfigError('API_RATE_LIMIT', `must be a whole number of at least 1, got "${raw}"`);
  }
  return Number(raw);
}

export function loadConfig(env: Env = process.env): Config {
  const port = parsePort(env);
  const host = text(env, 'HOST') ?? '0.0.0.0';
  const dataDir = resolve(text(env, 'DATA_DIR') ?? './data');
  const databaseUrl = parseUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const databaseReplicaUrl = parseUrl(env, 'DATABASE_REPLICA_URL', ['postgres:', 'postgresql:']);
  const baseUrl = (
    parseUrl(env, 'BASE_URL', ['http:', 'https:']) ?? `http://localhost:${port}`
  ).replace(/\/+$/, '');
  const smtpUrl = parseUrl(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  const level = text(env, 'LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  }
  const mailFrom = text(env, 'MAIL_FROM') ?? 'Capacity Commons <no-reply@localhost>';
  return Object.freeze({
    port,
    host,
    dataDir,
    databaseUrl,
    databaseReplicaUrl,
    baseUrl,
    sessionSecret: sessionSecret(env, dataDir),
    smtpUrl,
    mailFrom,
    logLevel: level as Config['logLevel'],
    trustProxy: parseTrustProxy(env),
    secureCookies: baseUrl.startsWith('https:'),
    apiRateLimit: parseApiRateLimit(env),
    responseCacheMb: parseResponseCacheMb(env),
  });
}
