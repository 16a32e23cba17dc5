import fixtures from './fixtures/types-directives.js';
import { runCorpus } from './harness/run-corpus.js';

runCorpus(fixtures);
