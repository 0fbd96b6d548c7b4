import { useCluster } from './topology';

// Imported first by the files under test/cluster/: every TestWorld of the file is on a cluster.
useCluster();
