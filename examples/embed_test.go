package examples

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScenarios(t *testing.T) {
	got := Scenarios()
	disk, _ := filepath.Glob("*.yaml")
	if len(got) != len(disk) || len(got) == 0 {
		t.Fatalf("%d embedded scenarios, %d on disk", len(got), len(disk))
	}
	for _, f := range got {
		b, err := os.ReadFile(f.Name + ".yaml")
		if err != nil || string(b) != f.Text {
			t.Errorf("%s: embedded text differs from the file (%v)", f.Name, err)
		}
		if f.Description == "" || strings.Contains(f.Description, "#") {
			t.Errorf("%s: description %q", f.Name, f.Description)
		}
	}
	if len(Specs()) == 0 {
		t.Error("no data specs")
	}
}

func TestLeadingComment(t *testing.T) {
	if got := leadingComment("# One.\n#   Two\nname: x\n# not this\n"); got != "One. Two" {
		t.Errorf("got %q", got)
	}
	if got := leadingComment("name: x\n"); got != "" {
		t.Errorf("got %q", got)
	}
}
