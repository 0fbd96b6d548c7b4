// test/webhooks.test.ts, unchanged, on a Redis Cluster (3 masters, 3 replicas) instead of one Redis.
import '../helpers/onCluster';
import '../webhooks.test';
import '../helpers/clusterTeardown';
