package main

import (
	"os"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// fixedGo is the first Go release whose standard library has none of the published
// vulnerabilities govulncheck finds in 1.26.8's net/http, crypto/tls and crypto/x509.
const fixedGo = "1.27.3"

// TestGoModRequiresFixedGo keeps go.mod's go line at fixedGo or later: the go command then refuses
// to build Bookcase with an older toolchain (or fetches the required one), instead of quietly
// building it with a vulnerable standard library. A toolchain line alone is only a preference.
func TestGoModRequiresFixedGo(t *testing.T) {
	b, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse("go.mod", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.Go == nil {
		t.Fatal("go.mod has no go line")
	}
	if semver.Compare("v"+f.Go.Version, "v"+fixedGo) < 0 {
		t.Errorf("go.mod says go %s; want at least %s, so no build can use a vulnerable standard library", f.Go.Version, fixedGo)
	}
}
