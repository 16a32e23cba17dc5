import fixtures from './fixtures/context.js';
import { runCorpus } from './harness/run-corpus.js';

runCorpus(fixtures);
