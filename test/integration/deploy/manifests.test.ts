import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { CONFIG_ENV_NAMES, DEFAULT_JWT_SECRET_ENV, DEFAULT_SIGNING_SECRET_ENV, loadConfig } from '../../../gateway/config/index.js';
import { GATEWAY_NODE_FLAGS } from '../../../gateway/cli/node-flags.js';
import { parseSupergraphYaml } from '../../../gateway/supergraph/supergraph-yaml.js';
import { SUBGRAPHS } from '../../../subgraphs/index.js';
import { REPO_ROOT, startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, startSubgraphs } from '../../helpers/subgraphs.js';

/**
 * Container images cannot be built or pulled on these machines, so the deployment files are held to
 * the code instead: every manifest parses, and what it says about the gateway — config keys, ports,
 * probe paths, environment names, ConfigMap keys and mount paths, secrets, the example subgraphs'
 * ports — agrees with the config schema and the servers. The probe paths are asked of a real gateway.
 */
const BASE = join(REPO_ROOT, 'deploy', 'kubernetes', 'base');
type Doc = Record<string, any>;

function manifests(): Doc[] {
  return readdirSync(BASE)
    .filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml' && name !== 'switchyard.yaml' && name !== 'supergraph.yaml')
    .flatMap((name) =>
      parseAllDocuments(readFileSync(join(BASE, name), 'utf8')).map((document) => {
        expect(document.errors, name).toEqual([]);
        return document.toJS() as Doc;
      }),
    );
}

const kustomization = parseYaml(readFileSync(join(BASE, 'kustomization.yaml'), 'utf8')) as Doc;
const docs = manifests();
const find = (kind: string, name: string) => {
  const found = docs.find((doc) => doc.kind === kind && doc.metadata?.name === name);
  expect(found, `${kind} ${name}`).toBeDefined();
  return found!;
};
const gatewayDeployment = find('Deployment', 'switchyard-gateway');
const gatewayContainer = gatewayDeployment.spec.template.spec.containers[0];
const configMap = kustomization.configMapGenerator.find((generator: Doc) => generator.name === 'switchyard-config');
const secretEnv = {
  SWITCHYARD_JWT_SECRET: 'manifest-test-secret-0123456789abcdef0123',
  SWITCHYARD_SUBGRAPH_SECRET: 'manifest-test-signing-0123456789abcdef',
};

describe('Kubernetes manifests (kustomize base)', () => {
  it('every resource and generated file the kustomization names exists and parses', () => {
    for (const resource of kustomization.resources) expect(existsSync(join(BASE, resource)), resource).toBe(true);
    for (const file of configMap.files) expect(existsSync(join(BASE, file)), file).toBe(true);
    expect(docs.map((doc) => doc.kind).sort()).toEqual(
      ['Deployment', 'Deployment', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service', 'Service', 'Service'].sort(),
    );
  });

  it('the gateway config in the ConfigMap is valid, and the Deployment mounts and names it where it says', () => {
    const args: string[] = gatewayContainer.args;
    const configPath = args[args.indexOf('--config') + 1]!;
    const mount = gatewayContainer.volumeMounts.find((volume: Doc) => configPath.startsWith(`${volume.mountPath}/`));
    expect(mount, `a volume mounted above ${configPath}`).toBeDefined();
    const volume = gatewayDeployment.spec.template.spec.volumes.find((v: Doc) => v.name === mount.name);
    expect(volume.configMap.name).toBe('switchyard-config');
    expect(configMap.files).toContain(configPath.slice(mount.mountPath.length + 1));

    const input = parseYaml(readFileSync(join(BASE, 'switchyard.yaml'), 'utf8')) as Doc;
    const env = Object.fromEntries(
      gatewayContainer.env.map((entry: Doc) => [entry.name, entry.value ?? secretEnv[entry.name as keyof typeof secretEnv]]),
    );
    const config = loadConfig({ input, env });
    expect(config.server.port).toBe(gatewayContainer.ports.find((port: Doc) => port.name === 'http').containerPort);
    expect(config.supergraph.source).toBe('compose');
    const supergraphPath = (config.supergraph as { configPath: string }).configPath;
    expect(supergraphPath.startsWith(`${mount.mountPath}/`)).toBe(true);
    expect(configMap.files).toContain(supergraphPath.slice(mount.mountPath.length + 1));
    expect(config.redis.url).toBe('redis://switchyard-redis:6379');
    // The node flags are the ones `npm run gateway` uses.
    expect(args.slice(1, 1 + GATEWAY_NODE_FLAGS.length)).toEqual(GATEWAY_NODE_FLAGS);
    expect(args).toContain('dist/gateway/cli/main.js');
  });

  it('every environment variable the manifests set is one the gateway or the subgraphs read', () => {
    const known = new Set([...CONFIG_ENV_NAMES, DEFAULT_JWT_SECRET_ENV, DEFAULT_SIGNING_SECRET_ENV]);
    for (const doc of docs.filter((d) => d.kind === 'Deployment' && d.metadata.name !== 'switchyard-redis')) {
      for (const container of doc.spec.template.spec.containers) {
        for (const entry of container.env ?? []) expect(known.has(entry.name), `${doc.metadata.name}: ${entry.name}`).toBe(true);
      }
    }
  });

  it('secrets come from one Secret by reference, never inline', () => {
    const references = docs
      .filter((doc) => doc.kind === 'Deployment')
      .flatMap((doc) => doc.spec.template.spec.containers.flatMap((c: Doc) => c.env ?? []))
      .filter((entry: Doc) => /SECRET/.test(entry.name));
    expect(references.length).toBeGreaterThanOrEqual(3);
    for (const entry of references) {
      expect(entry.value, entry.name).toBeUndefined();
      expect(entry.valueFrom.secretKeyRef.name).toBe('switchyard-secrets');
    }
    expect(docs.some((doc) => doc.kind === 'Secret')).toBe(false);
  });

  it('the supergraph.yaml of the ConfigMap routes to the subgraphs Service on their ports, with schema files the image holds', () => {
    const supergraph = parseSupergraphYaml(readFileSync(join(BASE, 'supergraph.yaml'), 'utf8'), join(BASE, 'supergraph.yaml'));
    const service = find('Service', 'switchyard-subgraphs');
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(supergraph.subgraphs.map((subgraph) => subgraph.name).sort()).toEqual(Object.keys(SUBGRAPHS).sort());
    for (const { name, ...subgraph } of supergraph.subgraphs) {
      const url = new URL(subgraph.routingUrl);
      expect(url.hostname).toBe('switchyard-subgraphs');
      expect(Number(url.port)).toBe(SUBGRAPHS[name as keyof typeof SUBGRAPHS].defaultPort);
      expect(service.spec.ports.map((port: Doc) => port.port)).toContain(Number(url.port));
      expect(subgraph.schema.kind).toBe('file');
      const path = (subgraph.schema as { path: string }).path;
      expect(path.startsWith('/app/')).toBe(true);
      expect(dockerfile).toContain(`COPY ${path.slice('/app/'.length)} ./${path.slice('/app/'.length)}`);
    }
  });

  it('the HPA and the PDB point at the gateway Deployment and its pods', () => {
    const labels = gatewayDeployment.spec.template.metadata.labels;
    expect(gatewayDeployment.spec.selector.matchLabels).toEqual(labels);
    expect(find('HorizontalPodAutoscaler', 'switchyard-gateway').spec.scaleTargetRef).toMatchObject({
      kind: 'Deployment',
      name: 'switchyard-gateway',
    });
    expect(find('PodDisruptionBudget', 'switchyard-gateway').spec.selector.matchLabels).toEqual(labels);
    expect(find('Service', 'switchyard-gateway').spec.selector).toEqual(labels);
    expect(find('Service', 'switchyard-redis').spec.ports[0].port).toBe(6379);
  });
});

describe('Dockerfile and docker-compose.yaml', () => {
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
  const compose = parseYaml(readFileSync(join(REPO_ROOT, 'docker-compose.yaml'), 'utf8'), { merge: true }) as Doc;

  it('the runtime stage has production dependencies only, runs as a non-root user and checks /live', () => {
    expect(dockerfile.match(/^FROM /gm)!.length).toBe(2);
    expect(runtime).toContain('npm ci --omit=dev');
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/live/m);
    expect(runtime).toContain(['node', ...GATEWAY_NODE_FLAGS, 'dist/gateway/cli/main.js'].map((part) => `"${part}"`).join(', '));
    expect(runtime).toMatch(/^EXPOSE 4000$/m);
  });

  it('compose runs two gateway replicas on Redis, routed to the subgraphs by the env names supergraph.yaml reads', () => {
    const gateway = compose.services.gateway;
    expect(gateway.deploy.replicas).toBe(2);
    expect(gateway.environment.REDIS_URL).toBe('redis://redis:6379');
    expect(Object.keys(compose.services).sort()).toEqual(['gateway', 'redis', 'subgraphs']);
    const rootSupergraph = readFileSync(join(REPO_ROOT, 'supergraph.yaml'), 'utf8');
    const parsed = parseSupergraphYaml(rootSupergraph, join(REPO_ROOT, 'supergraph.yaml'), gateway.environment);
    for (const { name, ...subgraph } of parsed.subgraphs) {
      expect(subgraph.routingUrl).toBe(`http://subgraphs:${SUBGRAPHS[name as keyof typeof SUBGRAPHS].defaultPort}/graphql`);
    }
    const known = new Set([...CONFIG_ENV_NAMES, DEFAULT_JWT_SECRET_ENV, DEFAULT_SIGNING_SECRET_ENV]);
    for (const name of Object.keys(gateway.environment).filter((key) => !key.endsWith('_URL') || key === 'REDIS_URL')) {
      expect(known.has(name), name).toBe(true);
    }
    expect(compose.services.subgraphs.command).toEqual(['node', 'dist/subgraphs/main.js']);
  });
});

describe('probe paths, asked of a real gateway', () => {
  const stack = createCloseStack();
  let gateway: StartedGateway;
  beforeAll(async () => {
    const subgraphs = await startSubgraphs();
    stack.push(subgraphs.close);
    gateway = await startGateway({ subgraphUrls: subgraphs.urls, config: { logging: { level: 'warn' } } });
    stack.push(gateway.close);
  });
  afterAll(() => stack.drain());

  it('the liveness, readiness and startup probes of the Deployment and the Dockerfile HEALTHCHECK answer 200', async () => {
    const origin = new URL(gateway.url).origin;
    const paths = ['livenessProbe', 'readinessProbe', 'startupProbe'].map((probe) => gatewayContainer[probe].httpGet.path as string);
    paths.push(/\/live/.exec(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'))![0]);
    expect(new Set(paths)).toEqual(new Set(['/live', '/ready']));
    for (const path of paths) expect((await fetch(`${origin}${path}`)).status, path).toBe(200);
  });
});
