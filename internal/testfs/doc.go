// Package testfs makes folders that writes fail in, for tests of how
// trustlab reports them: a read-only folder and a folder whose entries
// cannot be removed. As root (permissions do not stop root) it uses a
// read-only tmpfs mount and the immutable attribute (chattr +i); a test
// skips when neither way is open to it. [ReadCSV] reads a test's CSV
// output.
package testfs
