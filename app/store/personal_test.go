package store

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/app/store/record"
	"github.com/flashdeck/flashdeck/datasources"
	bolt "go.etcd.io/bbolt"
)

// TestMain keeps the tests' data keys out of the user's configuration
// directory: Open without a key file reads $FLASHDECK_DATA_KEY_FILE.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "flashdeck-store-key-")
	if err != nil {
		panic(err)
	}
	os.Setenv(KeyFileEnv, filepath.Join(dir, "data.key"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var tp = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// buyerOrder is order n of a buyer with everything personal filled in.
func buyerOrder(n int, phone string, a datasources.Address) datasources.Order {
	at := tp.Add(time.Duration(n) * time.Second)
	return datasources.Order{
		ID: fmt.Sprintf("%d", 880000+n), BuyerID: fmt.Sprintf("buyer-%06d", 731000+n), CreatedAt: at, UpdatedAt: at, Status: "pending",
		Phone: phone, Address: a, PaymentFingerprint: fmt.Sprintf("pf_%012x", 0xabcdef000+n),
		Items: []datasources.Item{{SKU: "POCO-M3-464-BLK", Quantity: 1, Price: 199900000}},
	}
}

func buyerOrders(n int) []datasources.Order {
	var out []datasources.Order
	for i := range n {
		a := datasources.Address{
			Name: fmt.Sprintf("Kartika Wijaya%02d", i), Line1: fmt.Sprintf("Jl. Diponegoro No. %d", 100+i), Line2: fmt.Sprintf("RT %02d/RW %02d", i%20+1, i%12+1),
			City: "Bandung", Region: "Jawa Barat", PostCode: fmt.Sprintf("401%02d", i), Country: "Indonesia",
		}
		out = append(out, buyerOrder(i, fmt.Sprintf("0812%09d", 345000000+i*7919), a))
	}
	if n >= 3 {
		// Two accounts behind one phone and one address: the rules flag
		// them, and their flags cite the shared phone and address.
		out[1].Phone, out[1].Address = out[0].Phone, out[0].Address
		out[2].Address = out[0].Address
	}
	return out
}

// runs is what `strings -n 6` prints of a file: every run of at least six
// printable bytes.
func runs(b []byte) []string {
	var out []string
	start := -1
	for i := 0; i <= len(b); i++ {
		if i < len(b) && b[i] >= 0x20 && b[i] < 0x7f || i < len(b) && b[i] == '\t' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= 6 {
			out = append(out, string(b[start:i]))
		}
		start = -1
	}
	return out
}

// personalIn returns the personal values of orders that show in the
// printable runs of file. Post codes are sealed too, but are left out of
// the search: five digits turn up by chance in any binary file.
func personalIn(t *testing.T, file string, orders []datasources.Order) []string {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(runs(raw), "\n")
	var found []string
	for _, o := range orders {
		for _, v := range []string{o.Phone, strings.TrimPrefix(o.Phone, "0"), o.BuyerID, o.Address.Name, o.Address.Line1, o.Address.Line2, o.PaymentFingerprint} {
			if v != "" && strings.Contains(text, v) {
				found = append(found, v)
			}
		}
	}
	return found
}

func saveAll(t *testing.T, s *Store, channel string, orders []datasources.Order) {
	t.Helper()
	if err := s.SavePage(channel, Page{Orders: orders}); err != nil {
		t.Fatal(err)
	}
}

func readAll(t *testing.T, s *Store, channel string) (map[string]datasources.Order, ReadStats) {
	t.Helper()
	out := map[string]datasources.Order{}
	st, err := s.EachOrderStats(channel, func(o *datasources.Order) error { out[o.ID] = *o; return nil })
	if err != nil {
		t.Fatal(err)
	}
	return out, st
}

func keyIn(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "keys", "data.key")
}

func TestPersonalDataIsSealedInTheFile(t *testing.T) {
	dir, key := t.TempDir(), keyIn(t)
	s, err := OpenWith(dir, Options{KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	orders := buyerOrders(40)
	saveAll(t, s, "micom-id", orders)
	// The flags the rules make of them go to the same file.
	sale := rules.NewSale(rules.SaleSpec{ID: "poco", Start: tp, End: tp.Add(time.Hour), SKUs: []string{"POCO-M3-464-BLK"},
		ChannelIDs: []string{"micom-id"}, ChannelNames: []string{"mi.com ID"}}, []byte("0123456789abcdef0123456789abcdef"))
	for i := range orders {
		sale.Observe(0, &orders[i])
	}
	flags := sale.Flags()
	if len(flags) < 3 {
		t.Fatalf("the shared phone and address should flag 3 orders: %+v", flags)
	}
	if err := s.SaveFlags(flags); err != nil {
		t.Fatal(err)
	}
	s.Close()

	if found := personalIn(t, filepath.Join(dir, FileName), orders); len(found) > 0 {
		t.Errorf("personal data in clear in the database: %q", found)
	}
	// What stays readable: ids, SKUs, city; flags with masked forms.
	raw, _ := os.ReadFile(filepath.Join(dir, FileName))
	for _, want := range []string{"880007", "POCO-M3-464-BLK", "Bandung", "08*********" + orders[0].Phone[len(orders[0].Phone)-2:]} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("%s is not in the database", want)
		}
	}

	// Reopened with the key, every order comes back whole.
	s, err = OpenWith(dir, Options{KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, st := readAll(t, s, "micom-id")
	if st.Orders != len(orders) || st.Unreadable() != 0 || st.Purged != 0 {
		t.Errorf("stats %+v", st)
	}
	for _, o := range orders {
		g := got[o.ID]
		if g.Phone != o.Phone || g.Address != o.Address || g.BuyerID != o.BuyerID || g.PaymentFingerprint != o.PaymentFingerprint || g.Items[0] != o.Items[0] || !g.CreatedAt.Equal(o.CreatedAt) {
			t.Fatalf("order %s back as %+v, saved %+v", o.ID, g, o)
		}
	}
}

func TestDataKeyFile(t *testing.T) {
	dir, key := t.TempDir(), keyIn(t)
	s, err := OpenWith(dir, Options{KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	st, err := os.Stat(key)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o, want 0600", st.Mode().Perm())
	}
	if d, _ := os.Stat(filepath.Dir(key)); d.Mode().Perm() != 0o700 {
		t.Errorf("key directory mode %04o, want 0700", d.Mode().Perm())
	}
	text, _ := os.ReadFile(key)
	if k, err := hex.DecodeString(strings.TrimSpace(string(text))); err != nil || len(k) != 32 {
		t.Errorf("key file holds %q", text)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(key), ".data.key-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	// Readable by others: refused, saying how to fix it.
	os.Chmod(key, 0o644)
	_, err = OpenWith(dir, Options{KeyFile: key})
	if err == nil || !strings.Contains(err.Error(), "chmod 600 "+key) {
		t.Errorf("key readable by others: %v", err)
	}
	os.Chmod(key, 0o600)

	// Inside the state directory: refused.
	_, err = OpenWith(dir, Options{KeyFile: filepath.Join(dir, "keys", "data.key")})
	if err == nil || !strings.Contains(err.Error(), "inside state_dir") {
		t.Errorf("key inside the state dir: %v", err)
	}
	// Not a key.
	bad := filepath.Join(t.TempDir(), "bad.key")
	os.WriteFile(bad, []byte("hunter2\n"), 0o600)
	_, err = OpenWith(t.TempDir(), Options{KeyFile: bad})
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "not a key") {
		t.Errorf("a file that is not a key: %v", err)
	}
	// 32 raw bytes are a key too.
	raw := filepath.Join(t.TempDir(), "raw.key")
	os.WriteFile(raw, bytes.Repeat([]byte{7}, 32), 0o600)
	if s, err := OpenWith(t.TempDir(), Options{KeyFile: raw}); err != nil {
		t.Errorf("raw key: %v", err)
	} else {
		s.Close()
	}
}

func TestWrongOrMissingKeyIsRefused(t *testing.T) {
	dir, keyA, keyB := t.TempDir(), keyIn(t), keyIn(t)
	s, err := OpenWith(dir, Options{KeyFile: keyA})
	if err != nil {
		t.Fatal(err)
	}
	saveAll(t, s, "lazada-id", buyerOrders(5))
	s.Close()
	a, _ := readDataKey(keyA)
	idA := KeyID(a)

	// Another key: refused before anything is read, naming both files.
	b, err := createDataKey(keyB)
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenWith(dir, Options{KeyFile: keyB})
	for _, want := range []string{filepath.Join(dir, FileName), keyB, idA, KeyID(b), LostKeyEnv + "=" + idA} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("wrong key: %v; want it to name %s", err, want)
		}
	}
	// No key file: refused, and no new key is made in its place.
	missing := keyIn(t)
	_, err = OpenWith(dir, Options{KeyFile: missing})
	if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "does not exist") || !strings.Contains(err.Error(), idA) {
		t.Errorf("missing key: %v", err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("a new key was made although the database needs another")
	}
	// The right one still opens it.
	s, err = OpenWith(dir, Options{KeyFile: keyA})
	if err != nil {
		t.Fatal(err)
	}
	if _, st := readAll(t, s, "lazada-id"); st.Orders != 5 || st.Unreadable() != 0 {
		t.Errorf("stats %+v", st)
	}
	s.Close()
}

func TestLostKeyKeepsOrdersWithoutPersonalData(t *testing.T) {
	dir, keyA := t.TempDir(), keyIn(t)
	s, err := OpenWith(dir, Options{KeyFile: keyA})
	if err != nil {
		t.Fatal(err)
	}
	old := buyerOrders(6)
	saveAll(t, s, "lazada-id", old)
	s.Close()
	a, _ := readDataKey(keyA)
	idA := KeyID(a)
	os.Remove(keyA)

	// Given up by its id: a new key, every order kept.
	keyB := keyIn(t)
	s, err = OpenWith(dir, Options{KeyFile: keyB, LostKey: idA})
	if err != nil {
		t.Fatal(err)
	}
	got, st := readAll(t, s, "lazada-id")
	if st.Orders != 6 || st.LostKey != 6 || st.Damaged != 0 {
		t.Errorf("stats %+v", st)
	}
	for _, o := range old {
		g := got[o.ID]
		if g.Phone != "" || g.BuyerID != "" || g.Address.Line1 != "" || g.Address.Name != "" || g.PaymentFingerprint != "" {
			t.Errorf("order %s has personal data it cannot have: %+v", o.ID, g)
		}
		if g.Items[0] != o.Items[0] || g.Status != o.Status || g.Address.City != "Bandung" || !g.UpdatedAt.Equal(o.UpdatedAt) {
			t.Errorf("order %s lost what is not personal: %+v", o.ID, g)
		}
	}
	// New orders are sealed with the new key.
	fresh := buyerOrder(99, "081399999999", datasources.Address{Line1: "Jl. Pemuda No. 3"})
	saveAll(t, s, "lazada-id", []datasources.Order{fresh})
	s.Close()

	// From now on the new key is the database's: no variable needed.
	s, err = OpenWith(dir, Options{KeyFile: keyB})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, st = readAll(t, s, "lazada-id")
	if st.Orders != 7 || st.LostKey != 6 || got[fresh.ID].Phone != fresh.Phone {
		t.Errorf("after the new key: %+v %+v", st, got[fresh.ID])
	}
}

func TestDamagedPersonalDataIsReportedNotInvented(t *testing.T) {
	dir, key := t.TempDir(), keyIn(t)
	s, err := OpenWith(dir, Options{KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	orders := buyerOrders(3)
	saveAll(t, s, "micom-id", orders)
	// One sealed value altered, another moved onto a third order.
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(prefixOrders + "micom-id"))
		var o0, o1 storedOrder
		var d record.Decoder
		k0, k1 := []byte(orders[0].ID), []byte(orders[1].ID)
		if err := d.Decode(k0, b.Get(k0), &o0); err != nil {
			return err
		}
		if err := d.Decode(k1, b.Get(k1), &o1); err != nil {
			return err
		}
		o0.Sealed = bytes.Clone(o0.Sealed)
		o0.Sealed[len(o0.Sealed)-20] ^= 1
		o1.Sealed = bytes.Clone(o0.Sealed)
		o1.Sealed[len(o1.Sealed)-20] ^= 1 // o0's own value, intact, on o1
		v0 := record.Append(nil, &o0)
		v1 := record.Append(nil, &o1)
		b.Put([]byte(orders[0].ID), v0)
		return b.Put([]byte(orders[1].ID), v1)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, st := readAll(t, s, "micom-id")
	if st.Damaged != 2 || st.Orders != 3 {
		t.Errorf("stats %+v", st)
	}
	if got[orders[0].ID].Phone != "" || got[orders[1].ID].Phone != "" || got[orders[2].ID].Phone != orders[2].Phone {
		t.Errorf("orders %+v", got)
	}
	s.Close()
}

// schema1 writes a database as flashdeck wrote it before personal data
// was sealed: orders in clear.
func schema1(t *testing.T, dir string, channel string, orders []datasources.Order) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		m, _ := tx.CreateBucket(bucketMeta)
		m.Put([]byte("schema"), []byte("1"))
		for _, b := range [][]byte{bucketCursors, bucketStock, bucketFlags} {
			tx.CreateBucket(b)
		}
		ob, _ := tx.CreateBucket([]byte(prefixOrders + channel))
		for _, o := range orders {
			v, _ := json.Marshal(o)
			if err := ob.Put([]byte(o.ID), v); err != nil {
				return err
			}
		}
		// The audit trail numbers its actions with its bucket's sequence.
		ab, _ := tx.CreateBucket(bucketActions)
		ab.SetSequence(41)
		ab.Put([]byte("A000000041"), []byte(`{"id":"A000000041","reason":"bots"}`))
		c, _ := json.Marshal(datasources.Cursor{UpdatedAfter: tp, Offset: 7})
		return tx.Bucket(bucketCursors).Put([]byte(channel), c)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
}

func TestDatabaseInClearIsSealedOnOpen(t *testing.T) {
	dir, key := t.TempDir(), keyIn(t)
	orders := buyerOrders(6000) // more than one migration batch
	schema1(t, dir, "akulaku-id", orders)
	file := filepath.Join(dir, FileName)
	if found := personalIn(t, file, orders[:5]); len(found) == 0 {
		t.Fatal("the old database should hold personal data in clear")
	}
	// A compaction a crash cut short left its copy: it goes.
	os.WriteFile(file+".compact", []byte("half a copy"), 0o600)
	s, err := OpenWith(dir, Options{KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	got, st := readAll(t, s, "akulaku-id")
	if st.Orders != len(orders) || st.Unreadable() != 0 {
		t.Errorf("stats %+v", st)
	}
	for _, i := range []int{0, 4999, 5000, 5999} {
		if g := got[orders[i].ID]; g.Phone != orders[i].Phone || g.Address != orders[i].Address || g.BuyerID != orders[i].BuyerID {
			t.Errorf("order %d after migration: %+v", i, g)
		}
	}
	if c, ok, _ := s.Cursor("akulaku-id"); !ok || c.Offset != 7 {
		t.Errorf("cursor after migration: %+v %v", c, ok)
	}
	s.Close()
	// Not in the records, and not in the free pages either: compacted.
	var sample []datasources.Order
	for i := 0; i < len(orders); i += 97 {
		sample = append(sample, orders[i])
	}
	if found := personalIn(t, file, sample); len(found) > 0 {
		t.Errorf("%d personal values still in clear after migration, e.g. %q", len(found), found[:min(len(found), 5)])
	}
	if _, err := os.Stat(file + ".compact"); err == nil {
		t.Error("compaction left its copy")
	}
	db, _ := bolt.Open(file, 0o600, &bolt.Options{ReadOnly: true})
	db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bucketMeta)
		if string(m.Get([]byte("schema"))) != schemaVersion || m.Get(metaScrub) != nil {
			t.Errorf("meta after migration: schema %s, scrub %v", m.Get([]byte("schema")), m.Get(metaScrub))
		}
		if ab := tx.Bucket([]byte("actions")); ab == nil || ab.Sequence() != 41 || ab.Get([]byte("A000000041")) == nil {
			t.Error("the audit trail or its sequence did not survive the compaction")
		}
		return nil
	})
	db.Close()
	// And the audit trail goes on numbering where it stopped.
	s, err = OpenWith(dir, Options{KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.UpdateAudit(func(tx AuditTx) error {
		if tx.Action("A000000041") == nil {
			t.Error("the audit record is gone after the compaction")
		}
		if n, err := tx.NextActionSeq(); err != nil || n != 42 {
			t.Errorf("next action number %d, %v; want 42", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPurgeKeepsOrdersAndDropsPersonalData(t *testing.T) {
	dir, key := t.TempDir(), keyIn(t)
	s, err := OpenWith(dir, Options{KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	orders := buyerOrders(30) // placed 0…29 s after tp
	saveAll(t, s, "lazada-id", orders)
	// Orders of the first 10 seconds are due at tp+30 days; the others
	// belong to a sale that ends later.
	until := func(c time.Time) time.Time {
		if c.Before(tp.Add(10 * time.Second)) {
			return c.Add(30 * 24 * time.Hour)
		}
		return tp.Add(48 * time.Hour).Add(30 * 24 * time.Hour)
	}
	now := tp.Add(30*24*time.Hour + time.Minute)
	n, err := s.PurgePersonalData("lazada-id", now, until)
	if err != nil || n != 10 {
		t.Fatalf("purged %d, %v", n, err)
	}
	// Again: nothing more is due.
	if n, err := s.PurgePersonalData("lazada-id", now, until); err != nil || n != 0 {
		t.Fatalf("second pass purged %d, %v", n, err)
	}
	got, st := readAll(t, s, "lazada-id")
	if st.Purged != 10 || st.Orders != 30 || st.Unreadable() != 0 {
		t.Errorf("stats %+v", st)
	}
	for i, o := range orders {
		g := got[o.ID]
		if i < 10 {
			if g.Phone != "" || g.BuyerID != "" || g.Address.Line1 != "" || g.Address.Line2 != "" || g.Address.Name != "" || g.Address.PostCode != "" || g.PaymentFingerprint != "" {
				t.Errorf("order %d kept personal data: %+v", i, g)
			}
			if g.Items[0] != o.Items[0] || g.Status != o.Status || !g.CreatedAt.Equal(o.CreatedAt) || g.Address.City != o.Address.City {
				t.Errorf("order %d lost what is not personal: %+v", i, g)
			}
		} else if g.Phone != o.Phone || g.Address != o.Address {
			t.Errorf("order %d purged too early: %+v", i, g)
		}
	}
	// The purged values are gone from the file once it is reopened
	// (compacted): not even their ciphertext stays in free pages.
	// A sealed value starts with its format and the key's id.
	sealedHead := append([]byte{sealFormat}, s.seal.id[:]...)
	s.Close()
	raw, _ := os.ReadFile(filepath.Join(dir, FileName))
	before := bytes.Count(raw, sealedHead)
	s, err = OpenWith(dir, Options{KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	raw, _ = os.ReadFile(filepath.Join(dir, FileName))
	if after := bytes.Count(raw, sealedHead); after != 20 {
		t.Errorf("sealed values in the file: %d before reopening, %d after; want 20 (the orders still kept)", before, after)
	}
}

// BenchmarkPurgeScan is the cost per order of an hourly purge pass that
// finds nothing due: what the retention costs while a sale's personal
// data is kept.
func BenchmarkPurgeScan(b *testing.B) {
	s, err := OpenWith(b.TempDir(), Options{KeyFile: filepath.Join(b.TempDir(), "k")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	base := buyerOrders(1)[0]
	const n = 100000
	batch := make([]datasources.Order, 0, 10000)
	for i := range n {
		o := base
		o.ID = fmt.Sprintf("%012d", i)
		batch = append(batch, o)
		if len(batch) == cap(batch) {
			if err := s.SavePage("lazada-id", Page{Orders: batch}); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	until := func(c time.Time) time.Time { return c.Add(time.Hour) }
	for b.Loop() {
		if k, err := s.PurgePersonalData("lazada-id", tp, until); err != nil || k != 0 {
			b.Fatal(k, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/order")
}

// BenchmarkSealOpen is the cost per order of sealing its personal data
// when it is saved and opening it when it is read back.
func BenchmarkSealOpen(b *testing.B) {
	sl, err := newSealer(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		b.Fatal(err)
	}
	o := buyerOrders(1)[0]
	o.Address.Line1 = "Jl. Gatot Subroto No. 212A"
	b.ReportAllocs()
	for b.Loop() {
		c := o
		p := take(&c)
		v, err := sl.seal("lazada-id", c.ID, &p)
		if err != nil {
			b.Fatal(err)
		}
		var q personal
		if err := sl.open("lazada-id", c.ID, v, &q); err != nil {
			b.Fatal(err)
		}
		q.put(&c)
	}
}

// BenchmarkSavePage is the whole cost per order of saving pages of 1,000
// orders (encoding, sealing, bbolt and its sync), to set sealing beside.
// ns/order is wall time, which waits for the disk's sync; cpu-ns/order
// is the CPU it took.
func BenchmarkSavePage(b *testing.B) {
	s, err := OpenWith(b.TempDir(), Options{KeyFile: filepath.Join(b.TempDir(), "k")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	base := buyerOrders(1)[0]
	page := make([]datasources.Order, 1000)
	n := 0
	cpu := cpuTime()
	for b.Loop() {
		for i := range page {
			page[i] = base
			page[i].ID = fmt.Sprintf("%012d", n*len(page)+i)
		}
		if err := s.SavePage("lazada-id", Page{Orders: page}); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(n*len(page)), "cpu-ns/order")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*len(page)), "ns/order")
}

// BenchmarkEachOrder is the whole cost per order of reading orders back
// (a restart's replay): bbolt, JSON and opening the sealed data.
func BenchmarkEachOrder(b *testing.B) {
	s, err := OpenWith(b.TempDir(), Options{KeyFile: filepath.Join(b.TempDir(), "k")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	base := buyerOrders(1)[0]
	page := make([]datasources.Order, 10000)
	for i := range page {
		page[i] = base
		page[i].ID = fmt.Sprintf("%012d", i)
	}
	if err := s.SavePage("lazada-id", Page{Orders: page}); err != nil {
		b.Fatal(err)
	}
	n := 0
	cpu := cpuTime()
	for b.Loop() {
		st, err := s.EachOrderStats("lazada-id", func(o *datasources.Order) error { return nil })
		if err != nil || st.Orders != len(page) {
			b.Fatal(st, err)
		}
		n += st.Orders
	}
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(n), "cpu-ns/order")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/order")
}
