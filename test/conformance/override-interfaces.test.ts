import fixtures from './fixtures/override-interfaces.js';
import { runCorpus } from './harness/run-corpus.js';

runCorpus(fixtures);
