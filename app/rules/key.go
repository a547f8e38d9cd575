package rules

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
)

// KeyFile is the file in the state directory that holds the key personal
// data is hashed with. It never leaves the machine: a hash made with it
// means nothing to anyone without it.
const KeyFile = "pii.key"

const keySize = 32

// LoadKey reads the hashing key from dir, creating it (32 random bytes,
// readable by the owner only) on first run.
func LoadKey(dir string) ([]byte, error) {
	path := filepath.Join(dir, KeyFile)
	k, err := os.ReadFile(path)
	switch {
	case err == nil:
		if len(k) != keySize {
			return nil, fmt.Errorf("%s: the personal-data key must be %d bytes, this one is %d (was it edited? move it away to start a new one; flags stored under the old key will no longer match)", path, keySize, len(k))
		}
		return k, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state_dir %s: %w", dir, err)
	}
	k = make([]byte, keySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	// O_EXCL: two processes starting at once must not each write a key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadKey(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	if _, err := f.Write(k); err != nil {
		f.Close()
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return k, f.Close()
}

// hasher turns personal data into keyed 64-bit match keys (HMAC-SHA256,
// truncated: two identities share a key with odds of 2^-64 per pair, about
// one in 30 million for a sale of a million buyers). One per evaluator: it reuses its HMAC state and is not safe
// for concurrent use.
type hasher struct {
	mac hash.Hash
	in  []byte
	out []byte
}

func newHasher(key []byte) *hasher {
	return &hasher{mac: hmac.New(sha256.New, key), in: make([]byte, 0, 128), out: make([]byte, 0, sha256.Size)}
}

// sum hashes s under a domain byte, so a phone and an address with the
// same text never share a key.
func (h *hasher) sum(domain byte, s string) uint64 {
	h.in = append(append(h.in[:0], domain), s...)
	return h.digest()
}

// sumBytes is sum for a key held in a buffer.
func (h *hasher) sumBytes(domain byte, b []byte) uint64 {
	h.in = append(append(h.in[:0], domain), b...)
	return h.digest()
}

func (h *hasher) digest() uint64 {
	h.mac.Reset()
	h.mac.Write(h.in)
	h.out = h.mac.Sum(h.out[:0])
	return binary.LittleEndian.Uint64(h.out)
}
