import fixtures from './fixtures/cost-directives.js';
import { runCorpus } from './harness/run-corpus.js';

runCorpus(fixtures);
