// deploy/docker-compose.yml as CI can check it without a Docker engine: Debian's docker-compose
// (1.29) validates and normalizes it (`config`), and the normalized services are checked against
// what photon's code reads: every variable a photon service sets is in deploy/README.md's table
// and read by the sources, the variables a container cannot do without are set, the commands'
// entry points exist, and the invokers get exactly the two capabilities namespaces need.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const composeFile = join(root, 'deploy/docker-compose.yml');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  cap_add?: string[];
  privileged?: boolean;
  devices?: string[];
  network_mode?: string;
  pid?: string;
  container_name?: string;
  hostname?: string;
  ports?: Array<{ published?: number; target: number }>;
}

/** `docker-compose config`: validation (exit status) and the normalized file with anchors merged. */
function composeConfig(): Record<string, Service> {
  if (spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).error) {
    throw new Error('docker-compose is not installed: the compose file cannot be validated. Install Debian\'s package: apt-get install docker-compose (1.29; validates without a Docker engine).');
  }
  const run = spawnSync('docker-compose', ['-f', composeFile, 'config'], { encoding: 'utf8', cwd: root });
  if (run.status !== 0) throw new Error(`docker-compose config rejected deploy/docker-compose.yml:\n${run.stderr}`);
  // docker-compose is Python and depends on PyYAML: the same interpreter turns its YAML into JSON.
  const json = execFileSync('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], { input: run.stdout, encoding: 'utf8' });
  return (JSON.parse(json) as { services: Record<string, Service> }).services;
}

/** Variable names in deploy/README.md's configuration table (first column, `A[_B]` → A and A_B). */
function documentedVariables(readme: string): Set<string> {
  const names = new Set<string>();
  // Only the configuration section's table: the README has other tables.
  const section = readme.slice(readme.indexOf('## Configuration')).split(/\n## /)[0]!;
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const first = line.split('|')[1] ?? '';
    for (const [, raw] of first.matchAll(/`([^`]+)`/g)) {
      const name = raw!.split('=')[0]!;
      const optional = /^(\w+)\[(\w+)\]$/.exec(name);
      if (optional) names.add(optional[1]!).add(optional[1]! + optional[2]!);
      else names.add(name);
    }
  }
  return names;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' || entry.startsWith('.') ? [] : sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** True when the production sources read `name` from the environment (env.X, env['X'] or 'X'). */
function readByCode(name: string, code: string): boolean {
  return new RegExp(`env\\.${name}\\b|env\\[['"]${name}['"]\\]|['"\`]${name}['"\`]`).test(code);
}

const photonServices = (services: Record<string, Service>): Array<[string, Service]> =>
  Object.entries(services).filter(([, s]) => s.command?.some((c) => c.startsWith('deploy/')));

describe('deploy/docker-compose.yml', () => {
  // Each test asks for the config, so a missing docker-compose fails every test by name (a
  // failing beforeAll would report them as skipped).
  let cached: Record<string, Service> | undefined;
  const config = (): Record<string, Service> => (cached ??= composeConfig());

  it('validates with docker-compose config', () => {
    expect(Object.keys(config()).sort()).toEqual(['api', 'controller0', 'controller1', 'invoker', 'jaeger', 'kafka', 'redis']);
  });

  it('has the cluster topology: Kafka, Redis, Jaeger, controllers behind one proxy, invokers', () => {
    const services = config();
    const controllers = photonServices(services).filter(([, s]) => s.command!.includes('deploy/controller-main.ts'));
    const invokers = photonServices(services).filter(([, s]) => s.command!.includes('deploy/invoker-main.ts'));
    expect(controllers.length, 'controllers').toBeGreaterThanOrEqual(1);
    expect(invokers.map(([name]) => name), 'one invoker service, scaled with --scale').toEqual(['invoker']);
    const pom = readFileSync(join(root, 'deploy/local/kafka-pom.xml'), 'utf8');
    const testedKafka = /<kafka.version>(.+)<\/kafka.version>/.exec(pom)![1];
    expect(services.kafka?.image, 'the official Kafka image of the line the tests run').toBe(`apache/kafka:${testedKafka}`);
    expect(services.kafka?.environment?.KAFKA_PROCESS_ROLES, 'KRaft').toBe('broker,controller');
    expect(services.redis?.image).toMatch(/^redis:/);
    expect(services.redis?.command?.join(' '), 'Redis persistence').toMatch(/--appendonly yes/);
    expect(services.jaeger?.image).toMatch(/^jaegertracing\/all-in-one:/);
    // One published API port; controllers publish none of their own.
    const published = Object.entries(services).filter(([, s]) => s.ports?.some((p) => p.target === 3233 && p.published !== undefined));
    expect(published.map(([name]) => name)).toEqual(['api']);
  });

  it('puts every controller behind the proxy, each with a unique id, sharing invokers by their count', () => {
    const services = config();
    const controllers = photonServices(services).filter(([, s]) => s.command!.includes('deploy/controller-main.ts'));
    const nginx = readFileSync(join(root, 'deploy/nginx.conf'), 'utf8');
    const upstream = [...nginx.matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`).sort();
    expect(upstream).toEqual(controllers.map(([name, s]) => `${name}:${s.environment!.PHOTON_CONTROLLER_PORT}`).sort());
    expect(nginx, 'round-robin: no sticky or least-connections balancing').not.toMatch(/^\s*(ip_hash|hash|least_conn|random)\b/m);
    // The proxy must outwait a blocking invoke (PHOTON_BLOCKING_WAIT_MS, default 60 s) or the
    // caller gets nginx's 504 instead of the controller's 202 with the activation id.
    const readTimeoutS = Number(/proxy_read_timeout\s+(\d+)s;/.exec(nginx)?.[1] ?? 60);
    for (const [name, s] of controllers) expect(readTimeoutS * 1000, `${name}: proxy_read_timeout`).toBeGreaterThan(Number(s.environment!.PHOTON_BLOCKING_WAIT_MS ?? 60_000));
    const ids = controllers.map(([, s]) => s.environment!.PHOTON_CONTROLLER_ID);
    expect(new Set(ids).size, 'PHOTON_CONTROLLER_ID names a completion topic: unique').toBe(ids.length);
    for (const [name, s] of controllers) {
      expect(s.environment!.PHOTON_CONTROLLER_SHARE, `${name}: PHOTON_CONTROLLER_SHARE`).toBe(String(controllers.length));
      expect(s.environment!.PHOTON_CONTROLLER_HOST, `${name} must listen beyond loopback`).toBe('0.0.0.0');
    }
  });

  it('sets only variables the code reads and documents, and the ones a container needs', () => {
    const services = config();
    const documented = documentedVariables(readFileSync(join(root, 'deploy/README.md'), 'utf8'));
    const code = ['controller', 'invoker', 'shared', 'native', 'deploy'].flatMap((d) => sources(join(root, d))).map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const [name, s] of photonServices(services)) {
      for (const variable of Object.keys(s.environment ?? {})) {
        expect(documented.has(variable), `${name} sets ${variable}, which deploy/README.md's table does not list`).toBe(true);
        // OTEL_* are read by the OpenTelemetry SDK itself; photon's own must be read by photon.
        if (!variable.startsWith('OTEL_')) expect(readByCode(variable, code), `${name} sets ${variable}, which no source reads`).toBe(true);
      }
      // The defaults (127.0.0.1) are wrong in a container: these must be set.
      const needed = ['PHOTON_KAFKA_BROKERS', 'PHOTON_REDIS_URL'];
      if (s.command!.includes('deploy/controller-main.ts')) needed.push('PHOTON_CONTROLLER_ID', 'PHOTON_CONTROLLER_HOST', 'PHOTON_CONTROLLER_PORT');
      for (const variable of needed) expect(s.environment?.[variable], `${name} must set ${variable}`).toBeTruthy();
      expect(s.environment?.PHOTON_KAFKA_BROKERS).toBe('kafka:9092');
      expect(s.environment?.PHOTON_REDIS_URL).toBe('redis://redis:6379');
      expect(s.environment?.OTEL_EXPORTER_OTLP_ENDPOINT, `${name} exports traces to Jaeger`).toMatch(/^http:\/\/jaeger:43(17|18)$/);
    }
  });

  it('runs entry points that exist, from one image built by deploy/Dockerfile', () => {
    const services = config();
    for (const [name, s] of photonServices(services)) {
      for (const arg of s.command!.filter((c) => c.endsWith('.ts'))) expect(existsSync(join(root, arg)), `${name}: ${arg} does not exist`).toBe(true);
      expect(s.build, `${name} builds the photon image`).toBeDefined();
      expect(existsSync(join(s.build!.context, s.build!.dockerfile)), `${name}: ${s.build!.dockerfile}`).toBe(true);
      expect(s.image).toBe('photon:local');
    }
  });

  it('gives invokers a unique id per replica and exactly CAP_SYS_ADMIN + CAP_NET_ADMIN', () => {
    const services = config();
    const invoker = services.invoker!;
    // --scale needs no fixed name, hostname or host port; the id comes from the container hostname.
    expect(invoker.environment?.PHOTON_INVOKER_ID, 'a fixed PHOTON_INVOKER_ID would give every replica the same id').toBeUndefined();
    expect(invoker.container_name).toBeUndefined();
    expect(invoker.hostname).toBeUndefined();
    expect(invoker.ports ?? []).toEqual([]);
    expect([...(invoker.cap_add ?? [])].sort()).toEqual(['NET_ADMIN', 'SYS_ADMIN']);
    expect(invoker.privileged ?? false).toBe(false);
    expect(invoker.devices ?? []).toEqual([]);
    expect(invoker.network_mode).toBeUndefined();
    expect(invoker.pid).toBeUndefined();
    for (const [name, s] of photonServices(services)) if (name !== 'invoker') expect(s.cap_add ?? [], `${name} needs no capabilities`).toEqual([]);
  });

  it('starts in order: photon after healthy Kafka and Redis, the proxy after healthy controllers', () => {
    const services = config();
    for (const dep of ['kafka', 'redis']) expect(services[dep]!.healthcheck?.test, `${dep} health check`).toBeDefined();
    for (const [name, s] of photonServices(services)) {
      expect(s.depends_on?.kafka?.condition, `${name} after Kafka`).toBe('service_healthy');
      expect(s.depends_on?.redis?.condition, `${name} after Redis`).toBe('service_healthy');
      if (s.command!.includes('deploy/controller-main.ts')) {
        expect(s.healthcheck?.test, `${name} health check`).toBeDefined();
        expect(services.api!.depends_on?.[name]?.condition, `the proxy after ${name}`).toBe('service_healthy');
      }
    }
    expect(services.api!.healthcheck?.test.join(' ')).toContain('/invokers/ready');
  });
});
