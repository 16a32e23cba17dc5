import { DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES } from '@apollo/federation-internals';
import { Kind, parse, print, visit, type ConstDirectiveNode, type DocumentNode } from 'graphql';
import { GatewayErrorCode, GatewayError } from '../errors.js';
import { buildSupergraphModel, type LinkedFeature, type SupergraphModel } from './supergraph-model.js';

/** Why a feature nobody enforces is refused, and what to do instead, by spec name. */
const REFUSAL_ADVICE: Readonly<Record<string, string>> = {
  authenticated: 'the auth plugin enforces it: turn auth on (auth.enabled: true), or remove @authenticated from the subgraphs',
  requiresScopes: 'the auth plugin enforces it: turn auth on (auth.enabled: true), or remove @requiresScopes from the subgraphs',
  policy: 'the auth plugin enforces it: turn auth on (auth.enabled: true), or remove @policy from the subgraphs',
  context:
    "@context/@fromContext need Switchyard's executor, which passes context values to subgraphs (Apollo's cannot): " +
    'remove server.executor: apollo from the config',
  connect: 'Apollo Connectors run only in Apollo Router; serve those fields from a subgraph instead',
};

function specName(url: string): string {
  return /\/([^/]+)\/v\d+\.\d+$/.exec(url)?.[1] ?? url;
}

/**
 * Fails closed on a supergraph linking a `for: SECURITY` or `for: EXECUTION` feature that neither the
 * engine (Apollo's list, `DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES`: join, tag, inaccessible, …) nor a
 * plugin or Switchyard's executor (`enforced`) implements: serving it would ignore what the feature
 * demands (Apollo Router refuses such a supergraph too). The message names each feature and its fix.
 */
export function assertServableFeatures(features: readonly LinkedFeature[], enforced: ReadonlySet<string>): void {
  const refused = features.filter(
    (feature) =>
      (feature.purpose === 'SECURITY' || feature.purpose === 'EXECUTION') &&
      !DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES.has(feature.url) &&
      !enforced.has(feature.url),
  );
  if (refused.length === 0) return;
  throw new GatewayError(
    GatewayErrorCode.SUPERGRAPH_INVALID,
    `The supergraph links ${refused.length === 1 ? 'a feature' : 'features'} Switchyard cannot enforce; refusing to serve it rather than ignore what ${refused.length === 1 ? 'it demands' : 'they demand'}:`,
    refused.map((feature) => {
      const advice =
        REFUSAL_ADVICE[specName(feature.url)] ?? 'no engine part or plugin implements it; remove the directives it links from the subgraphs';
      return `${feature.url} (for: ${feature.purpose}): ${advice}.`;
    }),
  );
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((argument) => argument.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

/**
 * Removes the `for:` purpose from the links to `urls` (features a plugin enforces), so Apollo's
 * engine, which refuses purposes it does not know, loads the supergraph; the directives stay on the
 * schema elements for the plugin to read. The SDL is returned unchanged when no such link has one.
 */
export function clearSecurityPurposes(supergraphSdl: string, urls: ReadonlySet<string>, parsed?: DocumentNode): string {
  if (urls.size === 0) return supergraphSdl;
  let changed = false;
  const clearLinks = (directives: readonly ConstDirectiveNode[] | undefined) =>
    directives?.map((directive) => {
      const url = stringArgument(directive, 'url');
      if (directive.name.value !== 'link' || !url || !urls.has(url) || !directive.arguments?.some((a) => a.name.value === 'for')) return directive;
      changed = true;
      return { ...directive, arguments: directive.arguments.filter((argument) => argument.name.value !== 'for') };
    });
  const document = visit(parsed ?? parse(supergraphSdl), {
    SchemaDefinition: (node) => ({ ...node, directives: clearLinks(node.directives) }),
    SchemaExtension: (node) => ({ ...node, directives: clearLinks(node.directives) }),
  });
  return changed ? print(document) : supergraphSdl;
}

/**
 * The supergraph's model, refused when it links features nobody enforces, with `sdl` set to what the
 * engine is given: the purposes of the features we enforce cleared. Runs on every (re)load; the SDL
 * is parsed once.
 */
export function prepareSupergraphForEngine(supergraphSdl: string, enforced: ReadonlySet<string>): SupergraphModel {
  const model = buildSupergraphModel(supergraphSdl);
  assertServableFeatures(model.features, enforced);
  const toClear = new Set(model.features.filter((f) => f.purpose && enforced.has(f.url)).map((f) => f.url));
  model.sdl = clearSecurityPurposes(supergraphSdl, toClear, model.document);
  return model;
}
