// Gateway A: what a user would otherwise pick — plain @apollo/gateway + @apollo/server standalone, default
// options, one process, serving the same precomposed supergraph as Switchyard.
// Usage: node --import tsx test/bench/plain-gateway.ts <supergraph.graphql> <port>
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { plainApolloSupergraph } from '../helpers/plain-apollo.js';

const [supergraphPath, port = '4000'] = process.argv.slice(2);
if (!supergraphPath) {
  process.stderr.write('usage: plain-gateway.ts <supergraph.graphql> [port]\n');
  process.exit(1);
}
// Plain ApolloGateway refuses a supergraph whose @authenticated/@requiresScopes links say
// `for: SECURITY`; a plain-gateway user must clear that purpose to start at all (and then nothing
// enforces the directives). The heavy query touches no protected field, so answers stay equal.
const gateway = new ApolloGateway({ supergraphSdl: plainApolloSupergraph(readFileSync(supergraphPath, 'utf8')) });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { port: Number(port), host: '127.0.0.1' } });
process.stderr.write(`plain Apollo gateway ready at ${url}\n`);
