package outdir_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/trustlab/trustlab/internal/outdir"
)

func Example() {
	parent, _ := os.MkdirTemp("", "outdir-example")
	defer os.RemoveAll(parent)
	final := filepath.Join(parent, "run")

	d, err := outdir.Begin(final, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Abort() // does nothing once committed
	os.WriteFile(filepath.Join(d.Path(), "manifest.json"), []byte("{}\n"), 0o644)
	if err := d.Commit(); err != nil {
		fmt.Println(err)
		return
	}
	_, err = outdir.Begin(final, false)
	fmt.Println(err != nil)
	// Output: true
}
