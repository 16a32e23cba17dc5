import nullPropagation from './fixtures/null-propagation.js';
import { runCorpus } from './harness/run-corpus.js';

runCorpus(nullPropagation);
