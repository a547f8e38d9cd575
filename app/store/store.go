// Package store is flashdeck's embedded database (bbolt): what must survive
// a restart. Orders, the read cursor and stock readings of a channel are
// written in one transaction per page, so after a crash the cursor never
// runs ahead of the orders it led to, and re-reading a page is harmless.
//
// Buyers' personal data never reaches the file in clear: each order's is
// sealed with AES-256-GCM under a data key kept outside the state
// directory (seal.go, key.go), opened in memory only when orders are read
// back, and removed when its retention ends (retention.go).
package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/app/store/record"
	"github.com/flashdeck/flashdeck/datasources"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// FileName is the database file inside state_dir.
const FileName = "flashdeck.db"

var (
	bucketMeta    = []byte("meta")
	bucketCursors = []byte("cursors")
	bucketStock   = []byte("stock")
	bucketFlags   = []byte("flags")
	bucketControl = []byte("control")
	// bucketSetAside keeps saved state that could not be loaded, with why,
	// out of the way of every later start (and there to be read).
	bucketSetAside = []byte("set_aside")
	prefixOrders   = "orders/"
)

// schemaVersion is bumped with a migration when the layout changes: 2
// seals buyers' personal data (1 kept it in clear; see migrate.go).
const schemaVersion = "2"

// Store is an open database. Safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
	// keyFile is the data key's file and seal its cipher.
	keyFile string
	seal    *sealer
	log     *slog.Logger
	// writeFault, when set, fails every write (see InjectWriteFault).
	writeFault atomic.Pointer[error]
}

// InjectWriteFault makes every later write of the engine's state fail with
// err, until called with nil: the chaos suite's stand-in for a disk
// remounted read-only. (bbolt keeps the file open, so taking the file's
// write permission away would not stop it, and root ignores it anyway.)
func (s *Store) InjectWriteFault(err error) {
	if err == nil {
		s.writeFault.Store(nil)
		return
	}
	s.writeFault.Store(&err)
}

// update runs a write transaction, unless a write fault is injected.
func (s *Store) update(fn func(tx *bolt.Tx) error) error {
	if p := s.writeFault.Load(); p != nil {
		return *p
	}
	return s.db.Update(fn)
}

// Options open a store.
type Options struct {
	// KeyFile holds the data key that seals buyers' personal data (see
	// seal.go); "" is DefaultKeyFile(). It must not lie in the state
	// directory: a copy of the directory would carry the key with the data.
	KeyFile string
	// LostKey gives up the data key of this id (the value of
	// FLASHDECK_DATA_KEY_LOST): the store opens on KeyFile (a new key)
	// although its personal data was sealed with that one, keeps every
	// order, and reports their personal data as unreadable.
	LostKey string
	// Logger reports the key's creation, migration and compaction
	// (slog.Default() when nil).
	Logger *slog.Logger
}

// Open opens (creating if needed) the database under dir, with the data
// key of DefaultKeyFile.
func Open(dir string) (*Store, error) { return OpenWith(dir, Options{}) }

// OpenWith opens (creating if needed) the database under dir. A database
// whose personal data is sealed with another key than the key file's is
// refused, naming both files; one written before personal data was sealed
// is sealed on the spot, then compacted so that no clear copy stays in its
// free pages.
func OpenWith(dir string, o Options) (*Store, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state_dir %s: %w", dir, err)
	}
	keyFile := o.KeyFile
	if keyFile == "" {
		var err error
		if keyFile, err = DefaultKeyFile(); err != nil {
			return nil, err
		}
	}
	keyFile = absPath(keyFile)
	if d := absPath(dir); inside(keyFile, d) {
		return nil, fmt.Errorf("data key %s is inside state_dir %s: a copy of the directory would carry the key with the data it opens; keep it elsewhere (data_key_file, or %s)", keyFile, d, KeyFileEnv)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("database %s is in use by another flashdeck (close it, or use another state_dir)", path)
		}
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	s := &Store{db: db, path: path, keyFile: keyFile, log: o.Logger}
	if err := s.init(o); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return s, nil
}

// absPath is path made absolute, through symbolic links where it exists.
func absPath(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		path = a
	}
	if r, err := filepath.EvalSymlinks(path); err == nil {
		return r
	}
	if r, err := filepath.EvalSymlinks(filepath.Dir(path)); err == nil {
		return filepath.Join(r, filepath.Base(path))
	}
	return path
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Page is what one successful read of a channel brought: orders and the
// cursor to continue from. Stock readings may come alone.
type Page struct {
	Orders []datasources.Order
	Cursor *datasources.Cursor
	Stock  []datasources.StockReading
	// StockAt is when the stock was read (sale time).
	StockAt time.Time
}

type stockRecord struct {
	At      time.Time                `json:"at"`
	Reading datasources.StockReading `json:"reading"`
}

// storedOrder is an order as the database holds it: without its personal
// data, which is sealed beside it (or gone once purged). Its encoding is
// package record's: binary, or JSON for records of earlier versions.
type storedOrder = record.Record

// encode seals p into so (keeping what so has sealed when p is empty)
// and appends the record to dst.
func (s *Store) encode(dst []byte, channel string, so *storedOrder, p *personal) ([]byte, error) {
	if !p.empty() {
		v, err := s.seal.seal(channel, so.ID, p)
		if err != nil {
			return nil, fmt.Errorf("sealing order %s of %s: %w", so.ID, channel, err)
		}
		so.Sealed = v
	}
	return record.Append(dst, so), nil
}

// SavePage writes a page atomically. An order is replaced only by a newer
// update of itself, so re-delivered pages never move an order back in time.
// Each order's personal data is sealed before the transaction begins.
func (s *Store) SavePage(channel string, p Page) error {
	// The records share one buffer: a few allocations per page, not one
	// per order.
	vals := make([][]byte, len(p.Orders))
	var buf []byte
	for i := range p.Orders {
		so := storedOrder{Order: p.Orders[i]}
		pd := take(&so.Order)
		start := len(buf)
		v, err := s.encode(buf, channel, &so, &pd)
		if err != nil {
			return err
		}
		buf = v
		vals[i] = buf[start:len(buf):len(buf)]
	}
	err := s.update(func(tx *bolt.Tx) error {
		ob, err := tx.CreateBucketIfNotExists([]byte(prefixOrders + channel))
		if err != nil {
			return err
		}
		// Order ids grow with time on every channel, so pages are mostly
		// appended: fuller pages make a smaller file (bbolt's default
		// splits them half full).
		ob.FillPercent = 0.9
		// A key past the bucket's last one cannot be in it: during a
		// catch-up most are, and need no look-up before their Put.
		last, _ := ob.Cursor().Last()
		last = slices.Clone(last)
		// Put copies the key: one buffer serves every order.
		var key []byte
		for i := range p.Orders {
			o := &p.Orders[i]
			key = append(key[:0], o.ID...)
			if bytes.Compare(key, last) <= 0 {
				if !newer(ob.Get(key), o.UpdatedAt) {
					continue
				}
			} else {
				// The same order twice in one page is looked up the second time.
				last = append(last[:0], key...)
			}
			if err := ob.Put(key, vals[i]); err != nil {
				return err
			}
		}
		if p.Cursor != nil {
			v, err := json.Marshal(p.Cursor)
			if err != nil {
				return err
			}
			if err := tx.Bucket(bucketCursors).Put([]byte(channel), v); err != nil {
				return err
			}
		}
		if len(p.Stock) > 0 {
			sb, err := tx.Bucket(bucketStock).CreateBucketIfNotExists([]byte(channel))
			if err != nil {
				return err
			}
			for _, r := range p.Stock {
				v, err := json.Marshal(stockRecord{At: p.StockAt, Reading: r})
				if err != nil {
					return err
				}
				if err := sb.Put([]byte(r.SKU), v); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("saving %s to %s: %w", channel, s.path, err)
	}
	return nil
}

// newer says whether an update of updatedAt may replace the saved record
// old (nil: none): unless old is of a later update. Only the record's head
// is read. A record that does not decode is replaced.
func newer(old []byte, updatedAt time.Time) bool {
	if old == nil {
		return true
	}
	h, err := record.ReadHead(old)
	return err != nil || !h.UpdatedAt.After(updatedAt)
}

// Cursor returns the saved cursor of a channel, and whether there was one.
func (s *Store) Cursor(channel string) (datasources.Cursor, bool, error) {
	var c datasources.Cursor
	found := false
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketCursors).Get([]byte(channel))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &c)
	})
	return c, found, err
}

// ReadStats says what a read of a channel's orders met.
type ReadStats struct {
	Orders int
	// Purged orders had their personal data removed after the retention
	// period; they come without it.
	Purged int
	// LostKey orders have personal data sealed with a key given up as
	// lost, and Damaged ones personal data that fails authentication
	// (altered on disk): both come without it, never with made-up values.
	LostKey, Damaged int
}

// Unreadable is how many orders came without personal data they had.
func (r ReadStats) Unreadable() int { return r.LostKey + r.Damaged }

// dropEvery is how many orders a full read reads between letting go of the
// database's mapped pages: about 10 MB of them.
const dropEvery = 1 << 15

// EachOrder calls fn for every saved order of a channel, in id order, with
// its personal data opened (in memory only). o is only fn's during the
// call: copy *o to keep it (its strings and items may be kept as they are).
func (s *Store) EachOrder(channel string, fn func(o *datasources.Order) error) error {
	_, err := s.EachOrderStats(channel, fn)
	return err
}

// EachOrderStats is EachOrder, also saying how many orders came without
// their personal data, and why.
func (s *Store) EachOrderStats(channel string, fn func(o *datasources.Order) error) (ReadStats, error) {
	var st ReadStats
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(prefixOrders + channel))
		if b == nil {
			return nil
		}
		// The scan maps the whole bucket in: let go of it as it goes, so
		// that a restart's peak does not hold the whole file either.
		defer dropMapped(tx)
		var d record.Decoder
		var so storedOrder
		return b.ForEach(func(k, v []byte) error {
			if err := d.Decode(k, v, &so); err != nil {
				return fmt.Errorf("order %q of %s in %s is unreadable: %w", k, channel, s.path, err)
			}
			st.Orders++
			if st.Orders%dropEvery == 0 {
				// Pages k and v lie in are mapped in again as read.
				dropMapped(tx)
			}
			switch {
			case so.Sealed != nil:
				var p personal
				switch err := s.seal.open(channel, so.ID, so.Sealed, &p); {
				case err == nil:
					p.put(&so.Order)
				case errors.Is(err, errOtherKey):
					st.LostKey++
				default:
					st.Damaged++
				}
			case !so.Purged.IsZero():
				st.Purged++
			}
			return fn(&so.Order)
		})
	})
	return st, err
}

// Channels lists the channels that have orders saved, configured or not.
func (s *Store) Channels() ([]string, error) {
	var out []string
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			if ch, ok := strings.CutPrefix(string(name), prefixOrders); ok {
				out = append(out, ch)
			}
			return nil
		})
	})
	return out, err
}

// OrderCount returns how many orders of a channel are saved.
func (s *Store) OrderCount(channel string) int {
	n := 0
	_ = s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte(prefixOrders + channel)); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	return n
}

// Stock returns the last saved stock readings of a channel and when each was read.
func (s *Store) Stock(channel string) (map[string]datasources.StockReading, map[string]time.Time, error) {
	out := map[string]datasources.StockReading{}
	at := map[string]time.Time{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketStock).Bucket([]byte(channel))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var r stockRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("stock %s of %s is unreadable: %w", k, channel, err)
			}
			out[string(k)] = r.Reading
			at[string(k)] = r.At
			return nil
		})
	})
	return out, at, err
}

// SaveFlags writes flags (new or changed) in one transaction, replacing
// each flag's earlier version. bbolt syncs the file before it returns.
func (s *Store) SaveFlags(fs []rules.Flag) error {
	if len(fs) == 0 {
		return nil
	}
	err := s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFlags)
		for i := range fs {
			v, err := json.Marshal(&fs[i])
			if err != nil {
				return err
			}
			if err := b.Put(flagKey(&fs[i]), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("saving %d flags to %s: %w", len(fs), s.path, err)
	}
	return nil
}

func flagKey(f *rules.Flag) []byte {
	return []byte(f.Sale + "\x00" + f.Channel + "\x00" + f.OrderID)
}

// Flags returns every saved flag.
func (s *Store) Flags() ([]rules.Flag, error) {
	var out []rules.Flag
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFlags).ForEach(func(k, v []byte) error {
			var f rules.Flag
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("flag %q is unreadable: %w", k, err)
			}
			out = append(out, f)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("reading flags from %s: %w", s.path, err)
	}
	return out, nil
}

// Control is what flashdeck's own actions changed about a sale on one
// channel: an extended end, a pause. The engine counts orders inside the
// window it gives, so it is read before the orders are replayed.
type Control struct {
	Sale    string `json:"sale"`
	Channel string `json:"channel"`
	// End is the sale's end on the channel after an extension (zero: the
	// configured end).
	End    time.Time `json:"end,omitzero"`
	Paused bool      `json:"paused,omitempty"`
}

// SaveControl writes a sale's control state on a channel (synced).
func (s *Store) SaveControl(c Control) error {
	// In UTC: a time in the machine's zone may not encode (a year past
	// 9999 there), and the zone is the sale's to choose when shown.
	c.End = c.End.UTC()
	v, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("saving the state of %s on %s to %s: %w", c.Sale, c.Channel, s.path, err)
	}
	err = s.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketControl)
		if err != nil {
			return err
		}
		return b.Put(controlKey(c.Sale, c.Channel), v)
	})
	if err != nil {
		return fmt.Errorf("saving the state of %s on %s to %s: %w", c.Sale, c.Channel, s.path, err)
	}
	return nil
}

func controlKey(sale, channel string) []byte { return []byte(sale + "\x00" + channel) }

// Controls returns every saved control state that can be read. One that
// cannot is moved aside (SetControlAside) and described in setAside, so
// that it is reported once and never replayed into every start.
func (s *Store) Controls() (out []Control, setAside []string, err error) {
	type bad struct {
		key []byte
		why string
	}
	var unreadable []bad
	err = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketControl)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var c Control
			if err := json.Unmarshal(v, &c); err != nil {
				unreadable = append(unreadable, bad{slices.Clone(k), fmt.Sprintf("the saved state %q is unreadable: %v", k, err)})
				return nil
			}
			out = append(out, c)
			return nil
		})
	})
	if err != nil {
		return nil, nil, fmt.Errorf("reading control states from %s: %w", s.path, err)
	}
	for _, u := range unreadable {
		if err := s.setAside(bucketControl, u.key, u.why); err != nil {
			return nil, nil, err
		}
		setAside = append(setAside, u.why+"; set aside in "+s.path)
	}
	return out, setAside, nil
}

// SetControlAside moves the saved control state of a sale on a channel out
// of the ones Controls returns, keeping it with why in the set_aside bucket.
func (s *Store) SetControlAside(sale, channel, why string) error {
	return s.setAside(bucketControl, controlKey(sale, channel), why)
}

// SetAside is saved state that a start could not load, kept for reading.
type SetAside struct {
	Bucket string    `json:"bucket"`
	Key    string    `json:"key"`
	Value  string    `json:"value"`
	Why    string    `json:"why"`
	At     time.Time `json:"at"`
}

// setAside moves one key of a bucket to the set_aside bucket, with why.
func (s *Store) setAside(bucket, key []byte, why string) error {
	err := s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		if b == nil {
			return nil
		}
		v := b.Get(key)
		if v == nil {
			return nil
		}
		rec, err := json.Marshal(SetAside{Bucket: string(bucket), Key: string(key), Value: string(v), Why: why, At: time.Now().UTC()})
		if err != nil {
			return err
		}
		aside, err := tx.CreateBucketIfNotExists(bucketSetAside)
		if err != nil {
			return err
		}
		n, _ := aside.NextSequence()
		if err := aside.Put(binary.BigEndian.AppendUint64(nil, n), rec); err != nil {
			return err
		}
		return b.Delete(key)
	})
	if err != nil {
		return fmt.Errorf("setting aside %s %q in %s: %w", bucket, key, s.path, err)
	}
	return nil
}

// SetAsides lists the saved state set aside so far, oldest first.
func (s *Store) SetAsides() ([]SetAside, error) {
	var out []SetAside
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSetAside)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			var a SetAside
			if err := json.Unmarshal(v, &a); err != nil {
				a = SetAside{Why: "unreadable record: " + err.Error()}
			}
			out = append(out, a)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("reading what was set aside in %s: %w", s.path, err)
	}
	return out, nil
}
