package store

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Environment variables the data key is found and given up with.
const (
	// KeyFileEnv names the data key file when the configuration does not
	// (data_key_file): tests, and hosts that mount the key as a secret.
	KeyFileEnv = "FLASHDECK_DATA_KEY_FILE"
	// LostKeyEnv gives up a lost data key: set to the id the refusal
	// names, flashdeck starts once on a new key, keeps every order and
	// reports the personal data sealed with the lost one as unreadable.
	LostKeyEnv = "FLASHDECK_DATA_KEY_LOST"
)

// dataKeySize is an AES-256 key.
const dataKeySize = 32

// DefaultKeyFile is where the data key lives when the configuration names
// none: $FLASHDECK_DATA_KEY_FILE, else flashdeck/data.key in the user's
// configuration directory (~/.config on Linux), never the state directory,
// so that a copy of the database does not carry its key.
func DefaultKeyFile() (string, error) {
	if p := os.Getenv(KeyFileEnv); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no place for the data key (%v): set data_key_file in the configuration or %s", err, KeyFileEnv)
	}
	return filepath.Join(dir, "flashdeck", "data.key"), nil
}

// KeyID names a data key without giving anything of it away: the first 8
// bytes of an HMAC of a fixed text under the key, in hex. The database
// records the id of the key its personal data is sealed with, so a wrong
// key is told apart from a right one before anything is read.
func KeyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("flashdeck data key id"))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// readDataKey reads a key file: 32 raw bytes, or 64 hex digits (how
// flashdeck writes it, so that it can be copied into a password manager).
// A file other users may read or change is refused: whoever reads the key
// reads every buyer's personal data in the database.
func readDataKey(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("data key %s is not a file", path)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("data key %s can be read or changed by other users (mode %04o): run chmod 600 %s (whoever reads it reads every buyer's phone and address in the database)",
			path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) == dataKeySize {
		return b, nil
	}
	if k, err := hex.DecodeString(strings.TrimSpace(string(b))); err == nil && len(k) == dataKeySize {
		return k, nil
	}
	return nil, fmt.Errorf("data key %s is not a key: it must hold %d bytes, raw or as %d hex digits (was it edited or truncated?)", path, dataKeySize, 2*dataKeySize)
}

// createDataKey writes a new random key to path (its directory created
// readable by the owner only), unless a key is there already, which it
// then reads: two flashdecks starting at once end up with one key. The
// key is written whole to a temporary file and linked into place, so a
// reader never sees half of it.
func createDataKey(path string) ([]byte, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the data key %s: %w", path, err)
	}
	k := make([]byte, dataKeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("creating the data key %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, ".data.key-*") // mode 0600
	if err != nil {
		return nil, fmt.Errorf("creating the data key %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(hex.EncodeToString(k) + "\n")
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("writing the data key %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readDataKey(path)
		}
		// A file system without hard links: an exclusive create is the
		// next best (a reader racing it may see it short, and say so).
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return readDataKey(path)
		}
		if err != nil {
			return nil, fmt.Errorf("creating the data key %s: %w", path, err)
		}
		_, err = f.WriteString(hex.EncodeToString(k) + "\n")
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("writing the data key %s: %w", path, err)
		}
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return k, nil
}

// inside reports whether path is dir or lies under it.
func inside(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
