// Command storage measures the embedded stores flashdeck could keep its
// orders in, side by side on one catch-up: bbolt (what app/store uses) and
// Pebble (an LSM tree made for append-heavy writes). It lives in a module
// of its own so that Pebble never enters flashdeck's binary or go.mod.
//
// Both engines get the same bytes: orders of the launch scenario's shape,
// their personal data sealed with AES-256-GCM, encoded with app/store's
// record codec, saved in pages of -page orders with the channel's cursor in
// the same synced transaction (-group pages per transaction), each order
// replacing a saved one only when newer, as app/store's SavePage does; then
// read back in key order, decoded and opened, as a restart's replay does.
// Each engine runs in a process of its own, so memory figures do not mix.
//
//	cd bench/storage && go run . -orders 200000
package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"github.com/cockroachdb/pebble/v2"
	"github.com/flashdeck/flashdeck/app/store/record"
	"github.com/flashdeck/flashdeck/datasources"
	bolt "go.etcd.io/bbolt"
)

var (
	engine  = flag.String("engine", "", "bbolt, pebble, or none (the orders made, sealed and encoded, then dropped: the part of the CPU that is not the engine's); empty: bbolt and pebble, each in a process of its own")
	orders  = flag.Int("orders", 200000, "orders in the catch-up")
	perPage = flag.Int("page", 100, "orders per page (a channel's page)")
	group   = flag.Int("group", 1, "pages per transaction (the engine's flush batches pages)")
	updates = flag.Int("updates", 10, "orders of each page that are updates of earlier ones")
	dir     = flag.String("dir", "", "directory for the databases (default: a temporary one)")
)

func main() {
	flag.Parse()
	if *engine == "" {
		for _, e := range []string{"bbolt", "pebble"} {
			args := append([]string{"-engine", e}, os.Args[1:]...)
			cmd := exec.Command(os.Args[0], args...)
			cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
			if err := cmd.Run(); err != nil {
				fmt.Fprintln(os.Stderr, e+":", err)
				os.Exit(1)
			}
		}
		return
	}
	if err := run(*engine); err != nil {
		fmt.Fprintln(os.Stderr, *engine+":", err)
		os.Exit(1)
	}
}

// kv is one engine behind the workload.
type kv interface {
	// save writes the records (newer-only) and the cursor in one synced
	// transaction.
	save(keys, vals [][]byte, cursor []byte) error
	// each calls fn for every record in key order.
	each(fn func(k, v []byte) error) error
	close() error
}

func run(name string) error {
	base := *dir
	if base == "" {
		var err error
		if base, err = os.MkdirTemp("", "flashdeck-storage-"); err != nil {
			return err
		}
		defer os.RemoveAll(base)
	}
	path := filepath.Join(base, name)
	os.RemoveAll(path)
	var db kv
	var err error
	switch name {
	case "bbolt":
		db, err = openBolt(path)
	case "pebble":
		db, err = openPebble(path)
	case "none":
		db = none{}
	default:
		return fmt.Errorf("unknown engine %q", name)
	}
	if err != nil {
		return err
	}
	key := make([]byte, 32)
	rand.Read(key)
	blk, _ := aes.NewCipher(key)
	aead, _ := cipher.NewGCM(blk)

	mem0 := readMem()
	cpu0, wall0 := cpuTime(), time.Now()
	var keys, vals [][]byte
	var buf []byte
	n, pages := 0, 0
	for n < *orders {
		for i := range *perPage {
			o := launchOrder(n, i < *updates)
			r := record.Record{Order: o}
			r.Sealed = seal(aead, "lazada-id", o.ID, take(&r.Order))
			start := len(buf)
			buf = record.Append(buf, &r)
			keys = append(keys, []byte(o.ID))
			vals = append(vals, buf[start:])
			n++
		}
		pages++
		if pages%*group == 0 || n >= *orders {
			cur, _ := json.Marshal(datasources.Cursor{UpdatedAfter: tp.Add(time.Duration(n) * time.Millisecond), Offset: pages})
			if err := db.save(keys, vals, cur); err != nil {
				return err
			}
			keys, vals, buf = keys[:0], vals[:0], nil
		}
	}
	writeCPU, writeWall := cpuTime()-cpu0, time.Since(wall0)
	memW := readMem()

	cpu1 := cpuTime()
	var d record.Decoder
	var r record.Record
	read := 0
	err = db.each(func(k, v []byte) error {
		if err := d.Decode(k, v, &r); err != nil {
			return fmt.Errorf("order %s: %w", k, err)
		}
		if _, err := open(aead, "lazada-id", r.ID, r.Sealed); err != nil {
			return fmt.Errorf("order %s: %w", k, err)
		}
		read++
		return nil
	})
	if err != nil {
		return err
	}
	readCPU := cpuTime() - cpu1
	memR := readMem()
	if err := db.close(); err != nil {
		return err
	}
	size := dirSize(path)
	per := func(d time.Duration, n int) string {
		return fmt.Sprintf("%.2f µs", float64(d.Microseconds())/float64(n))
	}
	fmt.Printf("%-6s  %d orders written in %d pages of %d, %d page(s) a transaction, %d distinct read back\n", name, n, pages, *perPage, *group, read)
	fmt.Printf("        write: %s CPU/order, %s wall/order (%.0f orders/s)\n", per(writeCPU, n), per(writeWall, n), float64(n)/writeWall.Seconds())
	if read > 0 {
		fmt.Printf("        read:  %s CPU/order\n", per(readCPU, read))
		fmt.Printf("        disk:  %.1f MiB (%.0f bytes/order)\n", float64(size)/(1<<20), float64(size)/float64(read))
	}
	fmt.Printf("        RSS growth, write / after reading back: anonymous %+.1f / %+.1f MiB, file-backed %+.1f / %+.1f MiB (peak RSS %.1f MiB)\n",
		mib(memW.anon-mem0.anon), mib(memR.anon-mem0.anon), mib(memW.file-mem0.file), mib(memR.file-mem0.file), mib(memR.hwm))
	if b, ok := db.(*boltKV); ok && b.mappedPeak != 0 {
		fmt.Printf("        (bbolt: file-backed at most %+.1f MiB while reading back, the mapped pages let go every 32,768 orders)\n", mib(b.mappedPeak-mem0.file))
	}
	return nil
}

var tp = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// launchOrder is order n of a Lazada catch-up (an update of an earlier
// order when update): one or two lines, an Indonesian address.
func launchOrder(n int, update bool) datasources.Order {
	id, at, status := n, tp.Add(time.Duration(n)*3*time.Millisecond), "pending"
	if update && n > 0 {
		id, status = int(uint64(n)*2654435761%uint64(n)), "paid" // an earlier order, paid since
	}
	o := datasources.Order{
		ID: strconv.Itoa(880000000000000 + id), BuyerID: fmt.Sprintf("%d", 731000000+id%90000), CreatedAt: tp.Add(time.Duration(id) * 3 * time.Millisecond), UpdatedAt: at, Status: status,
		Phone: fmt.Sprintf("0812%08d", 34500000+id*7919%10000000),
		Address: datasources.Address{Name: fmt.Sprintf("Kartika Wijaya %d", id%5000), Line1: fmt.Sprintf("Jl. Diponegoro No. %d", id%300), Line2: fmt.Sprintf("RT %02d/RW %02d", id%20+1, id%12+1),
			City: "Bandung", Region: "Jawa Barat", PostCode: fmt.Sprintf("401%02d", id%100), Country: "Indonesia"},
		Items: []datasources.Item{{ID: strconv.Itoa(990000000000 + id), SKU: fmt.Sprintf("POCO-M%d-464-BLK", id%1400), Quantity: 1, Price: 199900000}},
	}
	if id%4 == 0 {
		o.Items = append(o.Items, datasources.Item{ID: strconv.Itoa(990500000000 + id), SKU: "CASE-M3", Quantity: 2, Price: 4900000})
	}
	return o
}

// take moves the personal data out of o, encoded as app/store does.
func take(o *datasources.Order) []byte {
	var b []byte
	b = append(b, 1)
	for _, f := range []*string{&o.BuyerID, &o.Phone, &o.Address.Name, &o.Address.Line1, &o.Address.Line2, &o.Address.PostCode, &o.PaymentFingerprint} {
		b = binary.AppendUvarint(b, uint64(len(*f)))
		b = append(b, *f...)
		*f = ""
	}
	return b
}

func seal(aead cipher.AEAD, channel, id string, plain []byte) []byte {
	out := make([]byte, 5+aead.NonceSize(), 5+aead.NonceSize()+len(plain)+aead.Overhead())
	out[0] = 1
	rand.Read(out[5:])
	return aead.Seal(out, out[5:], plain, []byte(channel+"\x00"+id))
}

func open(aead cipher.AEAD, channel, id string, v []byte) ([]byte, error) {
	ns := 5 + aead.NonceSize()
	if len(v) < ns {
		return nil, fmt.Errorf("sealed value of %d bytes", len(v))
	}
	return aead.Open(nil, v[5:ns], v[ns:], []byte(channel+"\x00"+id))
}

// newer is app/store's check: may an update replace the saved record?
func newer(old, val []byte) bool {
	if old == nil {
		return true
	}
	ho, err := record.ReadHead(old)
	if err != nil {
		return true
	}
	hn, _ := record.ReadHead(val)
	return !ho.UpdatedAt.After(hn.UpdatedAt)
}

type boltKV struct {
	db         *bolt.DB
	mappedPeak int64 // the most RssFile reached while reading back
}

var (
	bucket  = []byte("orders/lazada-id")
	cursors = []byte("cursors")
	curKey  = []byte("lazada-id")
)

func openBolt(path string) (kv, error) {
	os.MkdirAll(path, 0o700)
	db, err := bolt.Open(filepath.Join(path, "flashdeck.db"), 0o600, nil)
	if err != nil {
		return nil, err
	}
	return &boltKV{db: db}, db.Update(func(tx *bolt.Tx) error {
		tx.CreateBucketIfNotExists(bucket)
		_, err := tx.CreateBucketIfNotExists(cursors)
		return err
	})
}

func (b *boltKV) save(keys, vals [][]byte, cursor []byte) error {
	return b.db.Update(func(tx *bolt.Tx) error {
		ob := tx.Bucket(bucket)
		ob.FillPercent = 0.9
		last, _ := ob.Cursor().Last()
		last = bytes.Clone(last)
		for i, k := range keys {
			if bytes.Compare(k, last) <= 0 {
				if !newer(ob.Get(k), vals[i]) {
					continue
				}
			} else {
				last = k
			}
			if err := ob.Put(k, vals[i]); err != nil {
				return err
			}
		}
		return tx.Bucket(cursors).Put(curKey, cursor)
	})
}

// each reads every record, letting go of the mapped pages it touched as it
// goes, as app/store does (app/store/mapped_linux.go).
func (b *boltKV) each(fn func(k, v []byte) error) error {
	return b.db.View(func(tx *bolt.Tx) error {
		drop := func() error {
			info := tx.DB().Info()
			data := *(*unsafe.Pointer)(unsafe.Pointer(&info.Data))
			return syscall.Madvise(unsafe.Slice((*byte)(data), tx.Size()), syscall.MADV_DONTNEED)
		}
		n := 0
		err := tx.Bucket(bucket).ForEach(func(k, v []byte) error {
			if n++; n%(1<<15) == 0 {
				b.mappedPeak = max(b.mappedPeak, readMem().file)
				drop()
			}
			return fn(k, v)
		})
		if err != nil {
			return err
		}
		b.mappedPeak = max(b.mappedPeak, readMem().file)
		return drop()
	})
}

func (b *boltKV) close() error { return b.db.Close() }

// none keeps nothing.
type none struct{}

func (none) save(_, _ [][]byte, _ []byte) error { return nil }
func (none) each(func(k, v []byte) error) error { return nil }
func (none) close() error                       { return nil }

// pebbleKV keeps orders under "o/" and cursors under "c/" of one keyspace.
type pebbleKV struct{ db *pebble.DB }

func openPebble(path string) (kv, error) {
	// Defaults otherwise: an 8 MB block cache, 4 MB memtables.
	db, err := pebble.Open(path, &pebble.Options{Logger: quiet{}})
	if err != nil {
		return nil, err
	}
	return &pebbleKV{db}, nil
}

var (
	orderPrefix = []byte("o/")
	orderEnd    = []byte("o0") // just past "o/"
)

func (p *pebbleKV) save(keys, vals [][]byte, cursor []byte) error {
	// The last saved key, as bbolt's cursor finds it.
	var last []byte
	it, err := p.db.NewIter(&pebble.IterOptions{LowerBound: orderPrefix, UpperBound: orderEnd})
	if err != nil {
		return err
	}
	if it.Last() {
		last = bytes.Clone(it.Key()[len(orderPrefix):])
	}
	it.Close()
	// An indexed batch reads its own writes: the same order twice in one
	// transaction is compared as in bbolt.
	b := p.db.NewIndexedBatch()
	defer b.Close()
	for i, k := range keys {
		pk := append(bytes.Clone(orderPrefix), k...)
		if bytes.Compare(k, last) <= 0 {
			old, closer, err := b.Get(pk)
			switch {
			case err == pebble.ErrNotFound:
			case err != nil:
				return err
			default:
				keep := !newer(old, vals[i])
				closer.Close()
				if keep {
					continue
				}
			}
		} else {
			last = k
		}
		if err := b.Set(pk, vals[i], nil); err != nil {
			return err
		}
	}
	if err := b.Set([]byte("c/lazada-id"), cursor, nil); err != nil {
		return err
	}
	return b.Commit(pebble.Sync)
}

func (p *pebbleKV) each(fn func(k, v []byte) error) error {
	it, err := p.db.NewIter(&pebble.IterOptions{LowerBound: orderPrefix, UpperBound: orderEnd})
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		if err := fn(it.Key()[len(orderPrefix):], v); err != nil {
			return err
		}
	}
	return it.Error()
}

func (p *pebbleKV) close() error { return p.db.Close() }

// quiet drops Pebble's informational log lines.
type quiet struct{}

func (quiet) Infof(string, ...any)      {}
func (quiet) Errorf(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }
func (quiet) Fatalf(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...); os.Exit(1) }

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type mem struct{ anon, file, hwm int64 }

// readMem reads the process's resident memory from /proc (bytes).
func readMem() mem {
	var m mem
	raw, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(raw), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "RssAnon:":
			m.anon = v << 10
		case "RssFile:":
			m.file = v << 10
		case "VmHWM:":
			m.hwm = v << 10
		}
	}
	return m
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func dirSize(path string) int64 {
	var n int64
	filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if i, err := d.Info(); err == nil {
				n += i.Size()
			}
		}
		return nil
	})
	return n
}
