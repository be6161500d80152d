package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustlab/trustlab/internal/testfs"
	"github.com/trustlab/trustlab/sqlite"
)

// Open refuses a database in a folder it cannot write, which would open and
// then fail on the first write (issue 13).
func TestOpenRefusesAReadOnlyFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	os.Mkdir(dir, 0o755)
	path := filepath.Join(dir, "trustlab.db")
	testfs.ReadOnly(t, dir, func() {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	})
	db, err := sqlite.Open(context.Background(), path)
	if err == nil {
		db.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "sqlite: "+dir+": the database's folder is not writable (") {
		t.Errorf("Open in a read-only folder: %v", err)
	}
}
