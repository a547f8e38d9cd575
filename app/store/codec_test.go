package store

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/store/record"
	"github.com/flashdeck/flashdeck/datasources"
	bolt "go.etcd.io/bbolt"
)

// jsonRecords writes orders as the previous version did: a JSON record
// each, their personal data sealed.
func jsonRecords(t *testing.T, s *Store, channel string, orders []datasources.Order) {
	t.Helper()
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(prefixOrders + channel))
		if err != nil {
			return err
		}
		for _, o := range orders {
			so := storedOrder{Order: o}
			p := take(&so.Order)
			if so.Sealed, err = s.seal.seal(channel, o.ID, &p); err != nil {
				return err
			}
			v, err := json.Marshal(&so)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(o.ID), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// rawRecord is the bytes the database holds for an order.
func rawRecord(t *testing.T, s *Store, channel, id string) []byte {
	t.Helper()
	var v []byte
	s.db.View(func(tx *bolt.Tx) error {
		v = append(v, tx.Bucket([]byte(prefixOrders+channel)).Get([]byte(id))...)
		return nil
	})
	return v
}

// A state directory of the previous version keeps working: its JSON
// records read, are compared with newer updates, purged, and rewritten in
// the binary layout when they change.
func TestRecordsOfTheJSONLayoutStillRead(t *testing.T) {
	dir, key := t.TempDir(), keyIn(t)
	s, err := OpenWith(dir, Options{KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	orders := buyerOrders(4)
	jsonRecords(t, s, "lazada-id", orders)

	got, st := readAll(t, s, "lazada-id")
	if st.Orders != 4 || st.Unreadable() != 0 {
		t.Fatalf("stats %+v", st)
	}
	for _, o := range orders {
		if g := got[o.ID]; g.Phone != o.Phone || g.Address != o.Address || !g.UpdatedAt.Equal(o.UpdatedAt) || g.Items[0] != o.Items[0] {
			t.Errorf("order %s back as %+v", o.ID, g)
		}
	}

	// An older update of order 0 does not replace its JSON record; a newer
	// one of order 1 does, in the binary layout.
	older, newer := orders[0], orders[1]
	older.UpdatedAt, older.Status = older.UpdatedAt.Add(-time.Minute), "stale"
	newer.UpdatedAt, newer.Status = newer.UpdatedAt.Add(time.Minute), "shipped"
	saveAll(t, s, "lazada-id", []datasources.Order{older, newer})
	if v := rawRecord(t, s, "lazada-id", older.ID); !record.IsJSON(v) {
		t.Errorf("an older update replaced the record: %q", v)
	}
	if v := rawRecord(t, s, "lazada-id", newer.ID); len(v) == 0 || v[0] != record.Version1 {
		t.Errorf("a newer update left the record as %q", v)
	}
	got, _ = readAll(t, s, "lazada-id")
	if got[older.ID].Status != "pending" || got[newer.ID].Status != "shipped" || got[newer.ID].Phone != newer.Phone {
		t.Errorf("after the updates: %+v / %+v", got[older.ID], got[newer.ID])
	}

	// Retention finds the JSON records' creation time and seal.
	now := tp.Add(time.Hour)
	n, err := s.PurgePersonalData("lazada-id", now, func(c time.Time) time.Time { return c })
	if err != nil || n != 4 {
		t.Fatalf("purged %d, %v", n, err)
	}
	got, st = readAll(t, s, "lazada-id")
	if st.Purged != 4 {
		t.Errorf("stats after the purge %+v", st)
	}
	for _, o := range orders {
		if g := got[o.ID]; g.Phone != "" || g.Address.Line1 != "" || g.Address.City != o.Address.City {
			t.Errorf("order %s after the purge: %+v", o.ID, g)
		}
	}
}

// A record damaged on disk stops the read with an error that names the
// channel and the order, never a panic or a made-up order.
func TestDamagedRecordIsNamed(t *testing.T) {
	dir, key := t.TempDir(), keyIn(t)
	s, err := OpenWith(dir, Options{KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	orders := buyerOrders(3)
	saveAll(t, s, "akulaku-id", orders)
	for name, v := range map[string][]byte{
		"cut short":    rawRecord(t, s, "akulaku-id", orders[1].ID)[:20],
		"other format": {9, 0, 0},
		"broken JSON":  []byte(`{"id":`),
	} {
		t.Run(name, func(t *testing.T) {
			s.db.Update(func(tx *bolt.Tx) error {
				return tx.Bucket([]byte(prefixOrders+"akulaku-id")).Put([]byte(orders[1].ID), v)
			})
			err := s.EachOrder("akulaku-id", func(*datasources.Order) error { return nil })
			if err == nil || !strings.Contains(err.Error(), `order "`+orders[1].ID+`" of akulaku-id`) {
				t.Errorf("EachOrder: %v", err)
			}
			_, err = s.PurgePersonalData("akulaku-id", tp.Add(time.Hour), func(c time.Time) time.Time { return c })
			if name != "broken JSON" && (err == nil || !strings.Contains(err.Error(), orders[1].ID)) {
				t.Errorf("PurgePersonalData: %v", err)
			}
		})
	}
}

// An order is replaced only by a newer update of itself, whether the older
// one comes in a later page or in the same page, and whether its key is
// past every saved one (no look-up is needed for a new key) or not.
func TestOnlyANewerUpdateReplaces(t *testing.T) {
	at := func(id, status string, min int) datasources.Order {
		return datasources.Order{ID: id, CreatedAt: tp, UpdatedAt: tp.Add(time.Duration(min) * time.Minute), Status: status,
			Items: []datasources.Item{{SKU: "A", Quantity: 1}}}
	}
	for _, c := range []struct {
		name  string
		pages [][]datasources.Order
		want  map[string]string
	}{
		{"newer then older, one page, new key", [][]datasources.Order{{at("9", "paid", 2), at("9", "pending", 1)}}, map[string]string{"9": "paid"}},
		{"older then newer, one page", [][]datasources.Order{{at("9", "pending", 1), at("9", "paid", 2)}}, map[string]string{"9": "paid"}},
		{"older in a later page, key before the last", [][]datasources.Order{{at("5", "paid", 2), at("9", "paid", 2)}, {at("5", "pending", 1)}}, map[string]string{"5": "paid", "9": "paid"}},
		{"older in a later page, the last key", [][]datasources.Order{{at("5", "paid", 2), at("9", "paid", 2)}, {at("9", "pending", 1)}}, map[string]string{"5": "paid", "9": "paid"}},
		{"newer in a later page", [][]datasources.Order{{at("5", "pending", 1)}, {at("5", "canceled", 3), at("7", "paid", 1)}}, map[string]string{"5": "canceled", "7": "paid"}},
		{"same update again", [][]datasources.Order{{at("5", "pending", 1)}, {at("5", "pending", 1)}}, map[string]string{"5": "pending"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := OpenWith(t.TempDir(), Options{KeyFile: keyIn(t)})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for _, p := range c.pages {
				saveAll(t, s, "lazada-id", p)
			}
			got := map[string]string{}
			s.EachOrder("lazada-id", func(o *datasources.Order) error { got[o.ID] = o.Status; return nil })
			if len(got) != len(c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
			for id, st := range c.want {
				if got[id] != st {
					t.Errorf("order %s is %q, want %q", id, got[id], st)
				}
			}
		})
	}
}
