// Package storetest keeps tests' data keys out of the user's
// configuration directory: a store opened without a key file reads
// $FLASHDECK_DATA_KEY_FILE, else ~/.config/flashdeck/data.key, and tests
// must never create (or depend on) the user's own.
package storetest

import (
	"os"
	"path/filepath"
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
