package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/rules"

	"github.com/flashdeck/flashdeck/datasources"
)

func TestSavePageRoundTripAndReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	o1 := datasources.Order{ID: "1", CreatedAt: t0, UpdatedAt: t0, Status: "pending", Items: []datasources.Item{{SKU: "A", Quantity: 2}}}
	o2 := datasources.Order{ID: "1234567890123456789", CreatedAt: t0, UpdatedAt: t0, Items: []datasources.Item{{SKU: "B", Quantity: 1}}}
	cur := datasources.Cursor{UpdatedAfter: t0, Offset: 100}
	if err := s.SavePage("lazada-id", Page{Orders: []datasources.Order{o1, o2}, Cursor: &cur,
		Stock: []datasources.StockReading{{SKU: "A", Sellable: 7}}, StockAt: t0}); err != nil {
		t.Fatal(err)
	}
	// An older version of order 1 must not replace the newer one.
	newer := o1
	newer.UpdatedAt = t0.Add(time.Minute)
	newer.Status = "canceled"
	if err := s.SavePage("lazada-id", Page{Orders: []datasources.Order{newer}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SavePage("lazada-id", Page{Orders: []datasources.Order{o1}}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, ok, err := s.Cursor("lazada-id")
	if err != nil || !ok || !got.UpdatedAfter.Equal(t0) || got.Offset != 100 {
		t.Fatalf("cursor = %+v %v %v", got, ok, err)
	}
	if _, ok, _ := s.Cursor("akulaku-id"); ok {
		t.Error("a channel never saved has no cursor")
	}
	byID := map[string]datasources.Order{}
	if err := s.EachOrder("lazada-id", func(o *datasources.Order) error { byID[o.ID] = *o; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(byID) != 2 || byID["1"].Status != "canceled" || byID["1234567890123456789"].Items[0].SKU != "B" {
		t.Fatalf("orders = %+v", byID)
	}
	if n := s.OrderCount("lazada-id"); n != 2 {
		t.Errorf("OrderCount = %d", n)
	}
	st, at, err := s.Stock("lazada-id")
	if err != nil || st["A"].Sellable != 7 || !at["A"].Equal(t0) {
		t.Fatalf("stock = %+v %v %v", st, at, err)
	}
}

func TestOpenErrorsNameThePlace(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// A second flashdeck on the same state_dir is told so, not left hanging.
	_, err = Open(dir)
	if err == nil || !strings.Contains(err.Error(), "in use by another flashdeck") {
		t.Fatalf("second open: %v", err)
	}
	file := filepath.Join(t.TempDir(), "afile")
	os.WriteFile(file, nil, 0o600)
	if _, err := Open(filepath.Join(file, "sub")); err == nil || !strings.Contains(err.Error(), "state_dir") {
		t.Fatalf("bad dir: %v", err)
	}
}

func TestFlagsSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	f := rules.Flag{Sale: "poco", Channel: "micom-id", OrderID: "5001", Score: 45, State: rules.StateOpen,
		Rules: []rules.Hit{{ID: rules.SharedPhone, Reason: "2 accounts share the phone 08********21"}}}
	if err := s.SaveFlags([]rules.Flag{f}); err != nil {
		t.Fatal(err)
	}
	f.State = rules.StateReviewed
	f.Review = &rules.Review{By: "ayu"}
	if err := s.SaveFlags([]rules.Flag{f}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Flags()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].State != rules.StateReviewed || got[0].Review.By != "ayu" || got[0].Rules[0].ID != rules.SharedPhone {
		t.Errorf("flags after reopen: %+v", got)
	}
}
