// test/inspect.test.ts, unchanged, on a Redis Cluster: the CLI SCANs every master.
import '../helpers/onCluster';
import '../inspect.test';
import '../helpers/clusterTeardown';
