import test from 'ava';
import { stopOwnSharedCluster } from './topology';

// Imported last by the files under test/cluster/, so this hook runs after the imported file's own
// (ava runs after.always hooks in the order they were registered): the worlds are closed first.
// It stops the cluster only when the file had to start one itself (ava run without npm test).
test.after.always(() => stopOwnSharedCluster());
