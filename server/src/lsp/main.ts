/** Entry point of dist/server.js: stdio or IPC, as the client's command line says. */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all));
