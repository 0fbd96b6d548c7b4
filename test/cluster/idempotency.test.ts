// test/idempotency.test.ts, unchanged, on a Redis Cluster (3 masters, 3 replicas) instead of one Redis.
import '../helpers/onCluster';
import '../idempotency.test';
import '../helpers/clusterTeardown';
