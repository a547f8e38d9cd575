// Package storetest keeps tests' data keys out of the user's
// configuration directory: a store opened without a key file reads
// $FLASHDECK_DATA_KEY_FILE, else ~/.config/flashdeck/data.key, and tests
// must never create (or depend on) the user's own.
package storetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flashdeck/flashdeck/app/store"
)

// Main runs a package's tests with $FLASHDECK_DATA_KEY_FILE in a directory
// of their own, removed afterwards. Call it from TestMain.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "flashdeck-test-key-")
	if err != nil {
		panic(err)
	}
	os.Setenv(store.KeyFileEnv, filepath.Join(dir, "data.key"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Printable is what `strings -n 6 FILE` prints of b: every run of at least
// six printable ASCII characters, one a line. A test reads a database file
// through it the way someone who copied the file would.
func Printable(b []byte) string {
	var out strings.Builder
	start := -1
	for i := 0; i <= len(b); i++ {
		if i < len(b) && (b[i] >= 0x20 && b[i] < 0x7f || b[i] == '\t') {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= 6 {
			out.Write(b[start:i])
			out.WriteByte('\n')
		}
		start = -1
	}
	return out.String()
}
