/** Before each test file of `npm run test:jetstream`: the cluster, whose streams this file makes are deleted after it. */
import { useNatsCluster } from '../helpers/nats-cluster.js';

useNatsCluster();
