import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Logger } from 'pino';
import { GatewayErrorCode } from '../errors.js';
import { failedFetchPaths, MAX_ERROR_PATHS_PER_FETCH, type ResponsePath } from './error-paths.js';
import { classifySubgraphFailure, type SubgraphFailure } from './failure.js';

/** What the data source needs from the per-request context the server builds. */
export interface SubgraphRequestContext {
  requestId?: string;
  /** Headers to send to every subgraph for this request (request id, traceparent, identity). */
  subgraphHeaders?: Readonly<Record<string, string>>;
}

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  logger: Logger;
  /** Replace subgraph error messages by a generic one (codes and paths stay). */
  maskErrorMessages?: boolean;
  /** Extra headers computed over the exact body string sent (request signing). */
  signRequest?: (body: string, headers: Readonly<Record<string, string>>) => Record<string, string>;
}

type GraphQLFormattedErrorLike = NonNullable<GatewayGraphQLResponse['errors']>[number];

/** Extension keys a subgraph may set that must never reach clients. */
const PRIVATE_EXTENSIONS = ['stacktrace', 'exception', 'response'];

/**
 * Apollo's RemoteGraphQLDataSource, adapted so that every failure becomes errors located at the
 * paths it leaves null, coded and naming the subgraph — never an internal URL or a stack trace.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<SubgraphRequestContext> {
  readonly name: string;
  private readonly logger: Logger;
  private readonly maskErrorMessages: boolean;

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url });
    this.name = options.name;
    this.logger = options.logger;
    this.maskErrorMessages = options.maskErrorMessages ?? false;
    const sign = options.signRequest;
    if (sign) {
      // The fetcher is the one place that sees the final body string (sendRequest stringifies it just
      // before), so signing here covers exactly the bytes sent.
      const fetcher = this.fetcher;
      this.fetcher = (url, init) => {
        const headers = { ...(init?.headers as Record<string, string>) };
        return fetcher(url, { ...init, headers: { ...headers, ...sign(String(init?.body ?? ''), headers) } });
      };
    }
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<SubgraphRequestContext>): void {
    const headers = options.context?.subgraphHeaders;
    if (!headers || !options.request.http) return;
    for (const name in headers) options.request.http.headers.set(name, headers[name]);
  }

  override async process(options: GraphQLDataSourceProcessOptions<SubgraphRequestContext>): Promise<GatewayGraphQLResponse> {
    let response: GatewayGraphQLResponse;
    try {
      response = await super.process(options);
    } catch (error) {
      const failure = classifySubgraphFailure(this.name, error);
      this.logger.warn(
        { requestId: options.context?.requestId, subgraph: this.name, code: failure.code, err: error },
        'subgraph fetch failed',
      );
      return { errors: this.failureErrors(options, failure) };
    }
    if (response.errors?.length) response = { ...response, errors: this.normaliseErrors(options, response) };
    return response;
  }

  private pathsOf(options: GraphQLDataSourceProcessOptions<SubgraphRequestContext>): ResponsePath[] {
    const document = 'document' in options ? options.document : undefined;
    return failedFetchPaths(options.request.query ?? '', document, options.request.variables);
  }

  private failureErrors(
    options: GraphQLDataSourceProcessOptions<SubgraphRequestContext>,
    failure: SubgraphFailure,
  ): GraphQLFormattedErrorLike[] {
    const extensions = { code: failure.code, subgraph: this.name, ...(failure.status ? { httpStatus: failure.status } : {}) };
    const paths = this.pathsOf(options);
    if (paths.length === 0) return [{ message: failure.message, extensions }];
    const errors: GraphQLFormattedErrorLike[] = paths
      .slice(0, MAX_ERROR_PATHS_PER_FETCH)
      .map((path) => ({ message: failure.message, path, extensions }));
    if (paths.length > MAX_ERROR_PATHS_PER_FETCH) {
      errors.push({
        message: `${failure.message} ${paths.length - MAX_ERROR_PATHS_PER_FETCH} more paths are null for the same reason.`,
        extensions,
      });
    }
    return errors;
  }

  /** Codes, subgraph name and locations for errors a subgraph answered with. */
  private normaliseErrors(
    options: GraphQLDataSourceProcessOptions<SubgraphRequestContext>,
    response: GatewayGraphQLResponse,
  ): GraphQLFormattedErrorLike[] {
    const wholeFetchFailed = response.data === null || response.data === undefined;
    const normalised: GraphQLFormattedErrorLike[] = [];
    let expandedPathless = false;
    for (const error of response.errors ?? []) {
      const extensions: Record<string, unknown> = { ...error.extensions };
      for (const key of PRIVATE_EXTENSIONS) delete extensions[key];
      if (typeof extensions.code !== 'string' || extensions.code === 'INTERNAL_SERVER_ERROR') {
        extensions.code = GatewayErrorCode.SUBGRAPH_ERROR;
      }
      extensions.subgraph = this.name;
      const message = this.maskErrorMessages ? `Subgraph "${this.name}" returned an error.` : error.message;
      if (!error.path && wholeFetchFailed && !expandedPathless) {
        // A pathless error with no data means every field of the fetch failed: say so at each one.
        expandedPathless = true;
        const paths = this.pathsOf(options).slice(0, MAX_ERROR_PATHS_PER_FETCH);
        if (paths.length) {
          for (const path of paths) normalised.push({ message, path, extensions });
          continue;
        }
      }
      normalised.push({ message, path: error.path, extensions, locations: undefined });
    }
    return normalised;
  }
}
