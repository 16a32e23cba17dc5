import fixtures from './fixtures/authorization.js';
import { runCorpus } from './harness/run-corpus.js';

runCorpus(fixtures);
