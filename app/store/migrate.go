package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/app/store/record"
	bolt "go.etcd.io/bbolt"
)

// Keys of the meta bucket about the data key.
var (
	// metaDataKey is the KeyID of the key personal data is sealed with.
	metaDataKey = []byte("data_key")
	// metaLostKeys lists, comma-separated, the ids of keys given up as
	// lost: values sealed with them are reported unreadable.
	metaLostKeys = []byte("data_keys_lost")
	// metaScrub is set when personal data (clear, or sealed and purged)
	// was removed from records: bbolt leaves the old bytes in the file's
	// free pages until they are reused, so the next open compacts the
	// file into a new one.
	metaScrub = []byte("scrub")
)

// init checks the data key against the database, creates the buckets,
// migrates a database of schema 1 and compacts one that needs it.
func (s *Store) init(o Options) error {
	var schema, recorded, lost string
	err := s.db.View(func(tx *bolt.Tx) error {
		if m := tx.Bucket(bucketMeta); m != nil {
			schema, recorded, lost = string(m.Get([]byte("schema"))), string(m.Get(metaDataKey)), string(m.Get(metaLostKeys))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if schema != "" && schema != "1" && schema != schemaVersion {
		return fmt.Errorf("schema version %s, this flashdeck reads %s", schema, schemaVersion)
	}
	// A compaction cut short by a crash left its copy behind.
	os.Remove(s.path + ".compact")

	key, err := readDataKey(s.keyFile)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		if recorded != "" && recorded != o.LostKey {
			return fmt.Errorf("its buyers' personal data is sealed with data key %s, and the key file %s does not exist: put that key file back, or point data_key_file (or %s) at it. "+
				"If the key is lost for good, start once with %s=%s: every order and figure is kept, and the personal data sealed with it stays unreadable",
				recorded, s.keyFile, KeyFileEnv, LostKeyEnv, recorded)
		}
		if key, err = createDataKey(s.keyFile); err != nil {
			return err
		}
		s.log.Info("data key created: keep it apart from the database, and back it up apart from it", "key_file", s.keyFile, "key", KeyID(key))
	default:
		return err
	}
	if s.seal, err = newSealer(key); err != nil {
		return err
	}
	id := s.seal.hex
	giveUp := recorded != "" && recorded != id
	if giveUp && recorded != o.LostKey {
		return fmt.Errorf("its buyers' personal data is sealed with data key %s, but the key file %s holds key %s: point data_key_file (or %s) at the key file it was written with. "+
			"If key %s is lost for good, start once with %s=%s: every order and figure is kept, and the personal data sealed with it stays unreadable",
			recorded, s.keyFile, id, KeyFileEnv, recorded, LostKeyEnv, recorded)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range append([][]byte{bucketMeta, bucketCursors, bucketStock, bucketFlags}, auditBuckets...) {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		m := tx.Bucket(bucketMeta)
		if schema == "" {
			if err := m.Put([]byte("schema"), []byte(schemaVersion)); err != nil {
				return err
			}
		}
		if giveUp {
			ids := append(strings.Split(lost, ","), recorded)
			if err := m.Put(metaLostKeys, []byte(strings.Trim(strings.Join(ids, ","), ","))); err != nil {
				return err
			}
		}
		return m.Put(metaDataKey, []byte(id))
	})
	if err != nil {
		return err
	}
	if giveUp {
		s.log.Warn("data key given up as lost: personal data sealed with it stays unreadable; orders and figures are kept",
			"lost_key", recorded, "key_file", s.keyFile, "key", id)
	}
	if schema == "1" {
		if err := s.migrate(); err != nil {
			return fmt.Errorf("sealing the personal data written by an earlier flashdeck: %w", err)
		}
	}
	var scrub bool
	s.db.View(func(tx *bolt.Tx) error {
		scrub = tx.Bucket(bucketMeta).Get(metaScrub) != nil
		return nil
	})
	if scrub {
		if err := s.compact(); errors.Is(err, errReopen) {
			return err
		} else if err != nil {
			// The database is whole and sealed; only old bytes in its
			// free pages wait for the next start.
			s.log.Warn("database not compacted: personal data removed from its records may still sit in its free pages until the next start", "file", s.path, "error", err)
		}
	}
	return nil
}

// migrateBatch is how many orders one migration transaction rewrites.
const migrateBatch = 5000

// migrate seals the personal data of a database of schema 1, which kept it
// in clear, a batch of orders per transaction: a crash midway leaves
// schema 1, and the next open goes on where it stopped (an order already
// sealed has no clear personal data left to seal).
func (s *Store) migrate() error {
	start := time.Now()
	channels, err := s.Channels()
	if err != nil {
		return err
	}
	sealed := 0
	for _, ch := range channels {
		var after []byte
		for {
			var next []byte
			err := s.db.Update(func(tx *bolt.Tx) error {
				b := tx.Bucket([]byte(prefixOrders + ch))
				type kv struct{ k, v []byte }
				var put []kv
				c := b.Cursor()
				k, v := c.First()
				if after != nil {
					if k, v = c.Seek(after); k != nil && string(k) == string(after) {
						k, v = c.Next()
					}
				}
				n := 0
				var d record.Decoder
				for ; k != nil && n < migrateBatch; k, v = c.Next() {
					n++
					next = slices.Clone(k)
					var so storedOrder
					if err := d.Decode(k, v, &so); err != nil {
						return fmt.Errorf("order %q of %s is unreadable: %w", k, ch, err)
					}
					p := take(&so.Order)
					if p.empty() {
						continue
					}
					if so.Sealed != nil {
						// Clear data beside a sealed value cannot come from
						// this flashdeck: keep the sealed one.
						p = personal{}
					}
					nv, err := s.encode(nil, ch, &so, &p)
					if err != nil {
						return err
					}
					put = append(put, kv{slices.Clone(k), nv})
				}
				for _, e := range put {
					if err := b.Put(e.k, e.v); err != nil {
						return err
					}
				}
				sealed += len(put)
				if len(put) > 0 {
					return tx.Bucket(bucketMeta).Put(metaScrub, []byte{1})
				}
				return nil
			})
			if err != nil {
				return err
			}
			if next == nil || string(next) == string(after) {
				break
			}
			after = next
		}
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put([]byte("schema"), []byte(schemaVersion))
	})
	if err != nil {
		return err
	}
	s.log.Info("personal data of an earlier flashdeck sealed", "file", s.path, "orders", sealed, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// compact copies the database into a new file and puts it in the old
// one's place: bbolt never clears a page it frees, so personal data
// removed from a record (by migration or purge) stays in the file until the
// page is reused; the copy holds only live records. The copy is synced
// before the rename, so a crash leaves one whole database or the other.
func (s *Store) compact() error {
	start := time.Now()
	tmp := s.path + ".compact"
	os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return err
	}
	dst.NoSync = true
	err = bolt.Compact(dst, s.db, 32<<20)
	if err == nil {
		err = dst.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Delete(metaScrub) })
	}
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	before, _ := os.Stat(s.path)
	if err := s.db.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	renameErr := os.Rename(tmp, s.path)
	if renameErr == nil {
		syncDir(s.path)
	} else {
		os.Remove(tmp)
	}
	// Reopened either way: on the copy, or on the original if the rename failed.
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return fmt.Errorf("%w: %w", errReopen, err)
	}
	s.db = db
	if renameErr != nil {
		return renameErr
	}
	after, _ := os.Stat(s.path)
	if before != nil && after != nil {
		s.log.Info("database compacted: removed personal data no longer sits in its free pages", "file", s.path,
			"bytes_before", before.Size(), "bytes_after", after.Size(), "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// errReopen: the database could not be opened again after compaction.
var errReopen = errors.New("reopening the database after compacting it")

// syncDir syncs the directory of path, so a rename in it is on disk.
func syncDir(path string) {
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
}
