// test/idempotencyReservations.test.ts, unchanged, on a Redis Cluster (3 masters, 3 replicas) instead of one Redis.
import '../helpers/onCluster';
import '../idempotencyReservations.test';
import '../helpers/clusterTeardown';
