//go:build linux

package store

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	bolt "go.etcd.io/bbolt"
)

// mappedRSS is how much of file this process has resident through its
// mappings (bytes), from /proc/self/smaps.
func mappedRSS(t *testing.T, file string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	var total int64
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		fs := strings.Fields(l)
		if len(fs) >= 5 && strings.Contains(fs[0], "-") && !strings.HasSuffix(fs[0], ":") {
			// A mapping's first line; an anonymous one names no file.
			in = len(fs) >= 6 && fs[len(fs)-1] == file
			continue
		}
		if in && len(fs) == 3 && fs[0] == "Rss:" {
			kb, _ := strconv.ParseInt(fs[1], 10, 64)
			total += kb << 10
		}
	}
	return total
}

// Reading every order back (a restart's replay, a retention pass) leaves
// the database's pages out of the process's resident memory: its
// file-backed share does not grow with the database.
func TestFullReadsLeaveTheFileUnmapped(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenWith(dir, Options{KeyFile: keyIn(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	base := buyerOrders(1)[0]
	page := make([]datasources.Order, 5000)
	for p := range 4 {
		for i := range page {
			page[i] = base
			page[i].ID = fmt.Sprintf("%012d", p*len(page)+i)
		}
		saveAll(t, s, "lazada-id", page)
	}
	var size int64
	s.db.View(func(tx *bolt.Tx) error { size = tx.Size(); return nil })
	touch := func() {
		s.db.View(func(tx *bolt.Tx) error {
			return tx.Bucket([]byte(prefixOrders + "lazada-id")).ForEach(func(k, v []byte) error { return nil })
		})
	}
	// A plain scan keeps the pages it read resident: what this guards
	// against, and the proof that the measure sees them.
	touch()
	if got := mappedRSS(t, s.path); got < size/2 {
		t.Skipf("a scan of a %d-byte database left only %d bytes mapped: this system's figures cannot tell", size, got)
	}
	for name, read := range map[string]func() error{
		"replay": func() error { return s.EachOrder("lazada-id", func(*datasources.Order) error { return nil }) },
		"retention": func() error {
			_, err := s.PurgePersonalData("lazada-id", tp, func(c time.Time) time.Time { return c.Add(time.Hour) })
			return err
		},
	} {
		touch()
		if err := read(); err != nil {
			t.Fatal(err)
		}
		if got := mappedRSS(t, s.path); got > size/10 {
			t.Errorf("after a %s of %d bytes of database, %d bytes of it stay mapped", name, size, got)
		}
	}
}
