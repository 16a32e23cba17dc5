export { createGateway, type CreateGatewayOptions, type Gateway } from './create-server.js';
export { listen, type ListeningAddress } from './listen.js';
